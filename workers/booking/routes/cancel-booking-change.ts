import { createRoute, z } from "@hono/zod-openapi";
import { dataResponse, errorResponses, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { inBackground } from "../../../shared/http/background";
import { decideChange } from "../domain/booking-changes";
import { refundProviders } from "../domain/payment-provider";
import { issueRefunds } from "../domain/refunds";
import type { BookingApp } from "../env";
import { ChangeDecision } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/changes/{changeId}/cancel",
  tags: ["Bookings"],
  summary: "Decline a significant schedule change: the booking is cancelled and refunded in full (owner)",
  ...signedIn,
  request: { params: IdParam.extend({ changeId: z.uuid({ error: "must be a UUID" }) }) },
  responses: { 200: dataResponse(ChangeDecision, "The decision"), ...errorResponses(400, 401, 404, 409) },
});

export function registerCancelBookingChange(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { id, changeId } = c.req.valid("param");
    c.header("Cache-Control", "no-store");
    const { db, principal, payments } = c.var;
    const answer = await decideChange(db, principal, id, changeId, "cancel");
    inBackground(c, "refund a cancelled booking", issueRefunds(db, refundProviders(payments), { bookingIds: [id] }));
    return c.json({ data: answer }, 200);
  });
}
