import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody, listResponse } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/pagination";
import { IdParam } from "../../../shared/schemas";
import type { BookingApp } from "../app";
import { findBooking, listBookings } from "../domain/bookings";
import { holdSeats } from "../domain/holds";
import { idempotent } from "../domain/idempotency";
import { Booking, IdempotencyHeader, NewBooking } from "../schemas";

const create = createRoute({
  method: "post",
  path: "/api/v1/bookings",
  tags: ["Bookings"],
  summary: "Hold seats for 1 to 9 passengers",
  description:
    "Chosen seats are all-or-nothing (409 SEATS_UNAVAILABLE names the taken ones); the others are assigned, side by side " +
    "when possible. The hold lasts HOLD_MINUTES (default 15). Accepts Idempotency-Key.",
  security: bearerAuth,
  middleware: [requireUser] as const,
  request: { headers: IdempotencyHeader, body: jsonBody(NewBooking) },
  responses: { 201: dataResponse(Booking, "The held booking"), ...errorResponses(400, 401, 404, 409) },
});

const list = createRoute({
  method: "get",
  path: "/api/v1/bookings",
  tags: ["Bookings"],
  summary: "The caller's bookings, newest first",
  security: bearerAuth,
  middleware: [requireUser] as const,
  request: { query: z.object(PageQuery) },
  responses: { 200: listResponse(Booking, "Bookings"), ...errorResponses(400, 401) },
});

const get = createRoute({
  method: "get",
  path: "/api/v1/bookings/{id}",
  tags: ["Bookings"],
  summary: "A booking (owner or admin)",
  security: bearerAuth,
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: { 200: dataResponse(Booking, "The booking"), ...errorResponses(400, 401, 404) },
});

export function registerBookingRoutes(app: BookingApp) {
  app.openapi(create, async (c) => {
    const { db, principal, config } = c.var;
    const body = c.req.valid("json");
    const result = await idempotent(
      db,
      { userId: principal.userId, scope: "POST /api/v1/bookings", key: c.req.valid("header")["idempotency-key"], body },
      async (tx) => ({ status: 201, body: { data: await holdSeats(tx, principal.userId, body, config.HOLD_MINUTES) } }),
    );
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    c.header("Cache-Control", "no-store");
    return c.json(result.body as { data: z.infer<typeof Booking> }, 201);
  });
  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listBookings(c.var.db, c.var.principal.userId, limit, cursor);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
  app.openapi(get, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: await findBooking(c.var.db, c.var.principal, c.req.valid("param").id) }, 200);
  });
}
