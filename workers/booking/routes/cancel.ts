import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import type { BookingApp } from "../app";
import { cancelBooking } from "../domain/cancellation";
import { Cancellation } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/cancel",
  tags: ["Bookings"],
  summary: "Cancel a booking (owner or admin); its seats are free at once, a paid one is refunded",
  security: bearerAuth,
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: { 200: dataResponse(Cancellation, "Cancelled"), ...errorResponses(400, 401, 404, 409) },
});

export function registerCancelRoute(app: BookingApp) {
  app.openapi(route, async (c) => {
    const result = await c.var.db.transaction((tx) => cancelBooking(tx, c.var.principal, c.req.valid("param").id));
    c.header("Cache-Control", "no-store");
    return c.json({ data: result }, 200);
  });
}
