import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { findBooking } from "../domain/bookings";
import type { BookingApp } from "../env";
import { Booking } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/bookings/{id}",
  tags: ["Bookings"],
  summary: "A booking (owner or admin)",
  ...signedIn,
  request: { params: IdParam },
  responses: { 200: dataResponse(Booking, "The booking"), ...errorResponses(400, 401, 404) },
});

export function registerGetBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: await findBooking(c.var.db, c.var.principal, c.req.valid("param").id) }, 200);
  });
}
