import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import type { BookingApp } from "../app";
import { idempotent } from "../domain/idempotency";
import { confirmPayment } from "../domain/payments";
import { IdempotencyHeader, NewPayment, PaymentResult } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings/{id}/payments",
  tags: ["Bookings"],
  summary: "Pay for a held booking (owner); it becomes confirmed",
  description: "The amount must equal the booking's total (422 AMOUNT_MISMATCH); an expired hold is 409 BOOKING_EXPIRED. Accepts Idempotency-Key.",
  security: bearerAuth,
  middleware: [requireUser] as const,
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(NewPayment) },
  responses: { 200: dataResponse(PaymentResult, "Paid and confirmed"), ...errorResponses(400, 401, 404, 409, 422) },
});

export function registerPaymentRoute(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { db, principal, payments } = c.var;
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const result = await idempotent(
      db,
      { userId: principal.userId, scope: `POST /api/v1/bookings/${id}/payments`, key: c.req.valid("header")["idempotency-key"], body },
      async (tx) => ({ status: 200, body: { data: await confirmPayment(tx, principal, id, body.amount, payments) } }),
    );
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    c.header("Cache-Control", "no-store");
    return c.json(result.body as { data: z.infer<typeof PaymentResult> }, 200);
  });
}
