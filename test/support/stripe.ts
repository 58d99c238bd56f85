import { afterAll, beforeAll, expect } from "vitest";
import { useBooking } from "./booking";
import { type StripeEvent, type StripeStub, startStripeStub } from "./stripe-stub";

/**
 * The booking worker with Stripe configured against a local stub (test/support/stripe-stub.ts):
 * payments create PaymentIntents, and `deliver` sends the stub's signed events to the webhook.
 */
export function useStripeBooking(options = { holdMinutes: 15 }) {
  const booking = useBooking(options);
  let stub: StripeStub | undefined;
  beforeAll(async () => {
    stub = await startStripeStub();
    Object.assign(booking.bookingEnv, { STRIPE_SECRET_KEY: stub.secretKey, STRIPE_WEBHOOK_SECRET: stub.webhookSecret, STRIPE_BASE_URL: stub.url });
  });
  afterAll(() => stub?.close());
  const stripe = () => {
    if (!stub) throw new Error("the Stripe stub runs only inside tests and hooks");
    return stub;
  };

  /** Posts an event to the webhook as Stripe would (signed now with the test secret, unless told otherwise). */
  const deliver = (event: StripeEvent, signing?: { timestamp?: number; secret?: string }) => {
    const { body, headers } = stripe().delivery(event, signing);
    return booking.bookingCall("POST", "/api/v1/payments/stripe/webhook", { body, headers });
  };

  /** The customer completes the payment: the intent succeeds, and Stripe's event (not yet delivered) describes it. */
  const succeed = (intentId: string) => stripe().event("payment_intent.succeeded", stripe().setIntentStatus(intentId, "succeeded"));

  /** Pays a booking with the API: 202 and its PaymentIntent. */
  async function startPaying(token: string, bookingId: string, amount: number) {
    const res = await booking.pay(token, bookingId, amount);
    expect(res.status, res.text).toBe(202);
    return res.body.data as { paymentIntentId: string; clientSecret: string; paymentStatus: string; holdExpiresAt: string };
  }

  /** Waits until `check` passes (refunds are requested after the answer). */
  async function eventually(check: () => Promise<void> | void, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  /**
   * The money invariants, over every booking and every intent the stub knows: no booking confirmed
   * without a succeeded payment; no succeeded payment without its booking confirmed on it or a
   * refund (at Stripe too, once `settled`); no payment refunded twice, at Stripe or here.
   */
  async function checkMoney({ settled = true } = {}) {
    const sql = booking.db.sql();
    const s = stripe();
    const confirmed = await sql`
      select b.id, p.provider, p.provider_reference from bookings b left join payments p on p.booking_id = b.id
      where b.status = 'confirmed'`;
    for (const row of confirmed) {
      expect(row.provider_reference, `confirmed booking ${row.id} has no payment`).toBeTruthy();
      if (row.provider === "stripe") expect(s.intents.get(row.provider_reference)?.status).toBe("succeeded");
    }
    const refundsAtStripe = new Map<string, number>();
    for (const r of s.refunds) refundsAtStripe.set(r.payment_intent, (refundsAtStripe.get(r.payment_intent) ?? 0) + 1);
    for (const [intent, n] of refundsAtStripe) expect(n, `intent ${intent} refunded ${n} times`).toBe(1);
    const [twice] = await sql`select count(*)::int as n from (select payment_id from refunds group by payment_id having count(*) > 1) t`;
    expect(twice!.n).toBe(0);
    const delivered = await sql`select provider_reference from payment_intents where status = 'succeeded'`;
    for (const { provider_reference: ref } of delivered) {
      const [state] = await sql`
        select b.status, p.provider_reference as paid, r.status as refund, r.provider_reference as refund_ref
        from payment_intents i join bookings b on b.id = i.booking_id
        left join payments p on p.booking_id = b.id and p.provider_reference = i.provider_reference
        left join refunds r on r.payment_id = p.id
        where i.provider_reference = ${ref}`;
      expect(state!.paid, `succeeded intent ${ref} has no payment row`).toBe(ref);
      const kept = state!.status === "confirmed" && state!.refund === null;
      const givenBack = state!.refund !== null;
      expect(kept || givenBack, `intent ${ref}: booking ${state!.status}, refund ${state!.refund}`).toBe(true);
      if (givenBack && settled) {
        expect(state!.refund).toBe("succeeded");
        expect(refundsAtStripe.get(ref)).toBe(1);
      }
      if (kept) expect(refundsAtStripe.has(ref)).toBe(false);
    }
  }

  return { ...booking, stripe, deliver, succeed, startPaying, eventually, checkMoney };
}
