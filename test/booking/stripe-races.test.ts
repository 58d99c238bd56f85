import { describe, expect, it } from "vitest";
import { runHousekeeping } from "../../workers/booking/index";
import { useStripeBooking } from "../support/stripe";

// Stripe's webhook racing what else happens to a booking, on real PostgreSQL. After every race the
// seat invariants (checkInvariants) and the money invariants (checkMoney: nothing confirmed without
// a succeeded payment, no succeeded payment without a confirmed booking or a refund, no refund twice).
const t = useStripeBooking();
const { newUser, newFlight, hold, db, bookingCall: call, bookingEnv, checkInvariants, stripe, deliver, succeed, startPaying, eventually, checkMoney } = t;

const statusOf = async (bookingId: string) => {
  const [row] = await db.sql()`select status from bookings where id = ${bookingId}`;
  return row!.status as string;
};

describe("the webhook races the hold", () => {
  it("success vs the hold's expiry vs another buyer taking the seat: confirmed and the rival refused, or refunded", async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const owner = await newUser();
      const rival = await newUser();
      const flight = await newFlight(1, 1);
      const booking = (await hold(owner.accessToken, flight.id, [{ name: "Owner", seat: "1A" }])).body.data;
      const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
      const event = succeed(paymentIntentId);
      // The hold (already extended by the payment) runs out in a moment.
      await db.sql()`update bookings set hold_expires_at = now() + interval '30 milliseconds' where id = ${booking.id}`;
      await db.sql()`update seats set held_until = now() + interval '30 milliseconds' where booking_id = ${booking.id}`;
      await new Promise((r) => setTimeout(r, round * 5));
      const [webhook, rivalHold] = await Promise.all([
        deliver(event),
        hold(rival.accessToken, flight.id, [{ name: "Rival", seat: "1A" }]),
        runHousekeeping(bookingEnv),
      ]);
      expect(webhook.status, webhook.text).toBe(200);
      const { outcome } = webhook.body.data;
      outcomes.add(outcome);
      expect(["confirmed", "refunded"]).toContain(outcome);
      expect([201, 409]).toContain(rivalHold.status);
      if (outcome === "confirmed") {
        expect(rivalHold.status).toBe(409);
        expect(await statusOf(booking.id)).toBe("confirmed");
      } else {
        expect(await statusOf(booking.id)).toBe("expired");
      }
      await checkInvariants(flight.id);
      await eventually(() => checkMoney());
    }
    // Usually both ends are seen (the rounds stagger the webhook across the deadline); one is enough to pass.
    expect(outcomes.size).toBeGreaterThanOrEqual(1);
  });

  it("two deliveries of the same event at once: one acts, the other is a duplicate", async () => {
    for (let round = 0; round < 5; round++) {
      const owner = await newUser();
      const flight = await newFlight(1, 2);
      const booking = (await hold(owner.accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
      const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
      const event = succeed(paymentIntentId);
      const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(event)));
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      const outcomes = answers.map((a) => a.body.data.outcome).sort();
      expect(outcomes).toEqual(["confirmed", "duplicate", "duplicate", "duplicate", "duplicate", "duplicate"]);
      const [counts] = await db.sql()`
        select (select count(*)::int from payments where booking_id = ${booking.id}) as payments,
          (select count(*)::int from outbox_events where type = 'bookings.confirmed' and payload->'booking'->>'id' = ${booking.id}) as confirmed`;
      expect(counts).toEqual({ payments: 1, confirmed: 1 });
      await checkInvariants(flight.id);
      await checkMoney();
    }
  });

  it("different events for one successful intent, delivered at once and out of order: one payment", async () => {
    const owner = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(owner.accessToken, flight.id, [{ name: "A" }])).body.data;
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const processing = stripe().event("payment_intent.processing", stripe().setIntentStatus(paymentIntentId, "processing"));
    const first = succeed(paymentIntentId);
    const retried = stripe().event("payment_intent.succeeded", stripe().intents.get(paymentIntentId));
    const answers = await Promise.all([deliver(retried), deliver(processing), deliver(first)]);
    expect(answers.map((a) => a.body.data.outcome).sort()).toEqual(["already_paid", "confirmed", "recorded"]);
    expect(await statusOf(booking.id)).toBe("confirmed");
    await checkInvariants(flight.id);
    await checkMoney();
  });
});

describe("cancel while a PaymentIntent is processing", () => {
  it("the booking ends cancelled, and the money is refunded exactly once whichever came first", async () => {
    for (let round = 0; round < 10; round++) {
      const owner = await newUser();
      const flight = await newFlight(1, 2);
      const booking = (await hold(owner.accessToken, flight.id, [{ name: "A" }])).body.data;
      const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
      await deliver(stripe().event("payment_intent.processing", stripe().setIntentStatus(paymentIntentId, "processing")));
      const event = succeed(paymentIntentId);
      const [cancel, webhook] = await Promise.all([
        call("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: owner.accessToken }),
        deliver(event),
      ]);
      expect(cancel.status, cancel.text).toBe(200);
      expect(["confirmed", "refunded"]).toContain(webhook.body.data.outcome);
      expect(await statusOf(booking.id)).toBe("cancelled");
      await eventually(async () => {
        expect(stripe().refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(1);
        const [refund] = await db.sql()`select status from refunds where booking_id = ${booking.id}`;
        expect(refund?.status).toBe("succeeded");
      });
      await checkInvariants(flight.id);
      await checkMoney();
    }
  });
});
