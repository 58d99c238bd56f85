import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, answerOnce } from "../../../shared/http/idempotency";
import { dataResponse, errorResponses, jsonBody, signedIn } from "../../../shared/http/openapi";
import { holdSeats } from "../domain/holds";
import type { BookingApp } from "../env";
import { Booking, NewBooking } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings",
  tags: ["Bookings"],
  summary: "Hold seats for 1 to 9 passengers",
  description:
    "Chosen seats are all-or-nothing (409 SEATS_UNAVAILABLE names the taken ones); the others are assigned, side by side " +
    "when possible. The hold lasts HOLD_MINUTES (default 15). Accepts Idempotency-Key.",
  ...signedIn,
  request: { headers: IdempotencyHeader, body: jsonBody(NewBooking) },
  responses: { 201: dataResponse(Booking, "The held booking"), ...errorResponses(400, 401, 404, 409) },
});

export function registerCreateBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    return answerOnce(c, 201, body, (db) => holdSeats(db, c.var.principal.userId, body, c.var.config.HOLD_MINUTES));
  });
}
