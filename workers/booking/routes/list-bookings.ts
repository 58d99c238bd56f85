import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse, signedIn } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { listBookings } from "../domain/bookings";
import type { BookingApp } from "../env";
import { Booking } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/bookings",
  tags: ["Bookings"],
  summary: "The caller's bookings, newest first",
  ...signedIn,
  request: { query: ListQuery },
  responses: { 200: listResponse(Booking, "Bookings"), ...errorResponses(400, 401) },
});

export function registerListBookings(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(await listBookings(c.var.db, c.var.principal.userId, c.req.valid("query")), 200);
  });
}
