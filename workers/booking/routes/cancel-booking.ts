import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { cancelBooking } from "../domain/cancellation";
import type { BookingApp } from "../env";
import { Cancellation } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/cancel",
  tags: ["Bookings"],
  summary: "Cancel a booking (owner or admin); its seats are free at once, a paid one is refunded",
  ...signedIn,
  request: { params: IdParam },
  responses: { 200: dataResponse(Cancellation, "Cancelled"), ...errorResponses(400, 401, 404, 409) },
});

export function registerCancelBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ data: await cancelBooking(c.var.db, c.var.principal, c.req.valid("param").id) }, 200);
  });
}
