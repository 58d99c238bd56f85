import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, answerOnce } from "../../../shared/http/idempotency";
import { dataResponse, errorResponses, jsonBody, signedIn } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { confirmPayment } from "../domain/payments";
import type { BookingApp } from "../env";
import { NewPayment, PaymentResult } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/payments",
  tags: ["Bookings"],
  summary: "Pay for a held booking (owner); it becomes confirmed",
  description: "The amount must equal the booking's total (422 AMOUNT_MISMATCH); an expired hold is 409 BOOKING_EXPIRED. Accepts Idempotency-Key.",
  ...signedIn,
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(NewPayment) },
  responses: { 200: dataResponse(PaymentResult, "Paid and confirmed"), ...errorResponses(400, 401, 404, 409, 422) },
});

export function registerPayBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const { principal, payments } = c.var;
    return answerOnce(c, 200, body, (db) => confirmPayment(db, principal, c.req.valid("param").id, body.amount, payments));
  });
}
