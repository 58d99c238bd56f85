import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { inBackground } from "../../../shared/http/background";
import { cancelBooking } from "../domain/cancellation";
import { cancelAbandonedIntents } from "../domain/payment-intents";
import { refundProviders } from "../domain/payment-provider";
import { issueRefunds } from "../domain/refunds";
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
    const { db, principal, payments } = c.var;
    const id = c.req.valid("param").id;
    const answer = await cancelBooking(db, principal, id);
    // A paid booking's refund was recorded with the cancellation; the processor is asked now, after the commit.
    inBackground(c, "refund a cancelled booking", issueRefunds(db, refundProviders(payments), { bookingIds: [id] }));
    // A held booking's open PaymentIntent can no longer be paid: Stripe refuses it from now on.
    if (payments.flow === "intent") inBackground(c, "cancel the booking's PaymentIntent", cancelAbandonedIntents(db, payments, { bookingIds: [id] }));
    return c.json({ data: answer }, 200);
  });
}
