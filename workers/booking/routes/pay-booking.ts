import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, answerOnce } from "../../../shared/http/idempotency";
import { dataResponse, errorResponses, jsonBody, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { startPayment } from "../domain/payment-intents";
import { confirmPayment } from "../domain/payments";
import type { BookingApp } from "../env";
import { NewPayment, PaymentResult, PaymentStarted } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/payments",
  tags: ["Bookings"],
  summary: "Pay for a held booking (owner)",
  description:
    "The amount must equal the booking's total (422 AMOUNT_MISMATCH); an expired hold is 409 BOOKING_EXPIRED. " +
    "With the development provider the booking is confirmed at once (200). With Stripe configured the answer is 202 with the " +
    "booking's PaymentIntent (the same one every time) and its clientSecret; Stripe's webhook confirms the booking. Accepts Idempotency-Key.",
  ...signedIn,
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(NewPayment) },
  responses: {
    200: dataResponse(PaymentResult, "Paid and confirmed (development provider)"),
    202: dataResponse(PaymentStarted, "PaymentIntent created or found (Stripe): confirm it with the clientSecret"),
    ...errorResponses(400, 401, 404, 409, 422, 503),
  },
});

export function registerPayBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    const { principal, payments, db, config } = c.var;
    if (payments.flow === "intent") {
      // Never inside answerOnce's transaction: the processor is called with no lock held. The
      // PaymentIntent's own idempotency key (the booking's) makes a repeated request answer the same intent.
      c.header("Cache-Control", "no-store");
      return c.json({ data: await startPayment(db, principal, id, body.amount, payments, config.HOLD_MINUTES) }, 202);
    }
    return answerOnce(c, 200, body, (tx) => confirmPayment(tx, principal, id, body.amount, payments));
  });
}
