import { createRoute, z } from "@hono/zod-openapi";
import { AppError, notFound, validationFailed } from "../../../shared/errors";
import { inBackground } from "../../../shared/http/background";
import { dataResponse, errorResponses } from "../../../shared/http/openapi";
import { handlePaymentEvent } from "../domain/payment-intents";
import { refundProviders, WebhookSignatureError } from "../domain/payment-provider";
import { issueRefunds } from "../domain/refunds";
import type { BookingApp } from "../env";
import { WebhookReceipt } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/payments/stripe/webhook",
  tags: ["Payments"],
  summary: "Stripe's signed event notifications (called by Stripe, not by clients)",
  description:
    "Verified against the raw body with STRIPE_WEBHOOK_SECRET (400 on a missing, wrong or stale Stripe-Signature). " +
    "Each event id is acted on once. payment_intent.succeeded confirms the booking, or refunds the payment if its seats are gone. " +
    "404 when Stripe is not configured.",
  request: {
    headers: z.object({ "stripe-signature": z.string().optional() }),
    body: { required: true, content: { "application/json": { schema: z.object({}).passthrough().openapi("StripeEvent") } } },
  },
  responses: { 200: dataResponse(WebhookReceipt, "Received (also for an event already handled, or one of no interest)"), ...errorResponses(400, 404, 503) },
});

export function registerStripeWebhook(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { payments, db } = c.var;
    if (payments.flow !== "intent") throw notFound("Stripe webhook endpoint");
    const signature = c.req.header("stripe-signature");
    if (!signature) throw validationFailed([{ path: "headers.stripe-signature", message: "is required" }]);
    let event;
    try {
      // The body exactly as it arrived: the signature covers the bytes, not their parse.
      event = await payments.verifyWebhook(await c.req.text(), signature);
    } catch (err) {
      if (err instanceof WebhookSignatureError) {
        throw new AppError("VALIDATION_FAILED", "The webhook signature does not verify.", {
          details: [{ path: "headers.stripe-signature", message: err.message }],
        });
      }
      throw err;
    }
    const { outcome, refundBookingId } = await handlePaymentEvent(db, payments, event);
    if (refundBookingId) inBackground(c, "refund a late payment", issueRefunds(db, refundProviders(payments), { bookingIds: [refundBookingId] }));
    c.header("Cache-Control", "no-store");
    return c.json({ data: { received: true as const, outcome } }, 200);
  });
}
