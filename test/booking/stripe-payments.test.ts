import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config";
import { BookingConfigSchema } from "../../workers/booking/config";
import { upstreamRoutes } from "../../workers/gateway/routes";
import booking from "../../workers/booking/index";
import { runHousekeeping } from "../../workers/booking/index";
import { clientFor } from "../support/client";
import { useStripeBooking } from "../support/stripe";

// POST /bookings/{id}/payments and POST /payments/stripe/webhook with Stripe configured (a local
// stub of its API). Races: stripe-races.test.ts. The approve-all provider: pay-booking.test.ts.
const t = useStripeBooking();
const { newUser, newFlight, hold, pay, newBooking, db, bookingCall: call, bookingEnv, checkInvariants, expireHold, stripe, deliver, succeed, startPaying, eventually, checkMoney } = t;

const eventsOf = async (bookingId: string) =>
  (await db.sql()`select type from outbox_events where payload->'booking'->>'id' = ${bookingId} order by occurred_at`).map((e) => e.type);

describe("paying starts a PaymentIntent", () => {
  it("answers 202 with the intent's client secret; the booking stays held, its hold extended once, within HOLD_MINUTES", async () => {
    const { owner, flight, booking } = await newBooking(2, [1, 2]);
    const started = await pay(owner.accessToken, booking.id, booking.totalAmount.amount);

    expect(started.status, started.text).toBe(202);
    const data = started.body.data;
    expect(data).toMatchObject({ bookingId: booking.id, status: "held", paymentStatus: "requires_payment_method" });
    const intent = stripe().intents.get(data.paymentIntentId)!;
    expect(intent).toMatchObject({ amount: booking.totalAmount.amount, currency: "inr", metadata: { bookingId: booking.id } });
    expect(data.clientSecret).toBe(intent.client_secret);
    const creates = stripe().requests.filter((r) => r.path === "/v1/payment_intents");
    expect(creates.map((r) => r.idempotencyKey)).toEqual([`booking-${booking.id}-payment`]);

    // Extended to HOLD_MINUTES from now, never more than HOLD_MINUTES past the first deadline.
    const first = Date.parse(booking.holdExpiresAt);
    const extended = Date.parse(data.holdExpiresAt);
    expect(extended).toBeGreaterThan(first);
    expect(extended).toBeLessThanOrEqual(first + 15 * 60_000);
    const read = (await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data;
    expect(read).toMatchObject({ status: "held", holdExpiresAt: data.holdExpiresAt, paymentId: null });
    const seats = await db.sql()`select distinct held_until from seats where booking_id = ${booking.id}`;
    expect(seats.map((s) => new Date(s.held_until).toISOString())).toEqual([data.holdExpiresAt]);

    // Asking again: the same intent (read back from Stripe, not created again) and no further extension.
    const again = await pay(owner.accessToken, booking.id, booking.totalAmount.amount);
    expect(again.status).toBe(202);
    expect(again.body.data).toMatchObject({ paymentIntentId: data.paymentIntentId, clientSecret: data.clientSecret, holdExpiresAt: data.holdExpiresAt });
    expect(stripe().requests.filter((r) => r.path === "/v1/payment_intents")).toHaveLength(1);
    await checkInvariants(flight.id);
  });

  it("the extension never passes the first departure", async () => {
    const owner = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(owner.accessToken, flight.id, [{ name: "A" }])).body.data;
    // A hold made 10 minutes ago (5 left) on a flight leaving in 12.
    const departure = new Date(Date.now() + 12 * 60_000);
    await db.sql()`update flights set departure_time = ${departure}, arrival_time = ${new Date(departure.getTime() + 3_600_000)} where id = ${flight.id}`;
    await db.sql()`update bookings set hold_expires_at = now() + interval '5 minutes' where id = ${booking.id}`;
    await db.sql()`update seats set held_until = now() + interval '5 minutes' where booking_id = ${booking.id}`;
    const data = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    // Flight times are kept to the second.
    expect(Math.abs(Date.parse(data.holdExpiresAt) - departure.getTime())).toBeLessThan(1000);
  });
});

describe("Stripe's webhook", () => {
  it("payment_intent.succeeded confirms the booking: payment recorded with the intent, seats sold, bookings.confirmed", async () => {
    const { owner, flight, booking } = await newBooking(2, [1, 2]);
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const res = await deliver(succeed(paymentIntentId));

    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({ received: true, outcome: "confirmed" });
    const [payment] = await db.sql()`select amount::int, currency, provider, provider_reference from payments where booking_id = ${booking.id}`;
    expect(payment).toEqual({ amount: booking.totalAmount.amount, currency: "INR", provider: "stripe", provider_reference: paymentIntentId });
    const read = (await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data;
    expect(read.status).toBe("confirmed");
    expect(await eventsOf(booking.id)).toEqual(["bookings.held", "bookings.confirmed"]);
    // A paid booking cannot be paid again.
    expect((await pay(owner.accessToken, booking.id, booking.totalAmount.amount)).body.error.code).toBe("INVALID_STATE");
    await checkInvariants(flight.id);
    await checkMoney();
  });

  it("a redelivered event changes nothing; an older event arriving after success does not undo it", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const processing = stripe().event("payment_intent.processing", stripe().setIntentStatus(paymentIntentId, "processing"));
    const success = succeed(paymentIntentId);
    expect((await deliver(success)).body.data.outcome).toBe("confirmed");
    expect((await deliver(success)).body.data.outcome).toBe("duplicate");
    expect((await deliver(processing)).body.data.outcome).toBe("recorded");
    const [intent] = await db.sql()`select status from payment_intents where booking_id = ${booking.id}`;
    expect(intent!.status).toBe("succeeded");
    expect(await eventsOf(booking.id)).toEqual(["bookings.held", "bookings.confirmed"]);
    await checkMoney();
  });

  it("payment_intent.payment_failed and canceled leave the hold to run its course", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const failed = await deliver(stripe().event("payment_intent.payment_failed", stripe().setIntentStatus(paymentIntentId, "requires_payment_method")));
    expect(failed.body.data.outcome).toBe("recorded");
    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data.status).toBe("held");
    await deliver(stripe().event("payment_intent.canceled", stripe().setIntentStatus(paymentIntentId, "canceled")));
    const [intent] = await db.sql()`select status from payment_intents where booking_id = ${booking.id}`;
    expect(intent!.status).toBe("canceled");
    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data.status).toBe("held");
  });

  it("a payment after the hold lapsed but before anyone took the seats still confirms", async () => {
    const { owner, flight, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await expireHold(booking.id);
    expect((await deliver(succeed(paymentIntentId))).body.data.outcome).toBe("confirmed");
    await checkInvariants(flight.id);
    await checkMoney();
  });

  it("a payment after the seats went to another buyer is refunded through Stripe at once, and the customer is told", async () => {
    const { owner, flight, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await expireHold(booking.id);
    const rival = await newUser();
    expect((await hold(rival.accessToken, flight.id, [{ name: "Rival", seat: booking.seats[0] }])).status).toBe(201);

    const res = await deliver(succeed(paymentIntentId));
    expect(res.body.data.outcome).toBe("refunded");
    await eventually(async () => {
      const [refund] = await db.sql()`select id, status, provider_reference, amount::int from refunds where booking_id = ${booking.id}`;
      expect(refund).toMatchObject({ status: "succeeded", amount: booking.totalAmount.amount });
      const atStripe = stripe().refunds.filter((r) => r.payment_intent === paymentIntentId);
      expect(atStripe).toEqual([expect.objectContaining({ id: refund!.provider_reference, idempotencyKey: `refund-${refund!.id}` })]);
    });
    const read = (await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data;
    expect(read.status).toBe("expired");
    const [event] = await db.sql()`select payload from outbox_events where type = 'bookings.payment_refunded' and payload->'booking'->>'id' = ${booking.id}`;
    expect(event!.payload).toMatchObject({ user: { email: owner.user.email }, refund: { amount: booking.totalAmount.amount, currency: "INR" } });
    await checkInvariants(flight.id);
    await checkMoney();
  });

  it("cancelling a held booking cancels its open PaymentIntent at Stripe; a lapsed hold's is cancelled by the Cron Trigger", async () => {
    const first = await newBooking();
    const a = await startPaying(first.owner.accessToken, first.booking.id, first.booking.totalAmount.amount);
    expect((await call("POST", `/api/v1/bookings/${first.booking.id}/cancel`, { token: first.owner.accessToken })).status).toBe(200);
    await eventually(() => expect(stripe().intents.get(a.paymentIntentId)!.status).toBe("canceled"));

    const second = await newBooking();
    const b = await startPaying(second.owner.accessToken, second.booking.id, second.booking.totalAmount.amount);
    await expireHold(second.booking.id);
    await runHousekeeping(bookingEnv);
    expect(stripe().intents.get(b.paymentIntentId)!.status).toBe("canceled");
    const [row] = await db.sql()`select status from payment_intents where booking_id = ${second.booking.id}`;
    expect(row!.status).toBe("canceled");
  });

  it("an event about something else is acknowledged and ignored", async () => {
    const res = await deliver(stripe().event("customer.created", { id: "cus_1", object: "customer" }));
    expect(res.status).toBe(200);
    expect(res.body.data.outcome).toBe("ignored");
  });
});

describe("refunds through Stripe", () => {
  it("a customer's cancellation of a paid booking is refunded at once, with an idempotency key of its refund", async () => {
    const { owner, flight, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await deliver(succeed(paymentIntentId));
    expect((await call("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: owner.accessToken })).status).toBe(200);
    await eventually(async () => {
      const [refund] = await db.sql()`select id, status, provider_reference from refunds where booking_id = ${booking.id}`;
      expect(refund!.status).toBe("succeeded");
      expect(stripe().refunds.filter((r) => r.payment_intent === paymentIntentId).map((r) => r.idempotencyKey)).toEqual([`refund-${refund!.id}`]);
    });
    await checkInvariants(flight.id);
    await checkMoney();
  });

  it("a refund Stripe fails stays requested with its error, and the Cron Trigger retries it: one refund in the end", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await deliver(succeed(paymentIntentId));
    stripe().failNext(500, 2, "/v1/refunds"); // the SDK retries once
    await call("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: owner.accessToken });
    await eventually(async () => {
      const [refund] = await db.sql()`select status, attempts, last_error from refunds where booking_id = ${booking.id}`;
      expect(refund).toMatchObject({ status: "requested", attempts: 1, last_error: expect.stringContaining("500") });
    });
    expect(stripe().refunds).not.toContainEqual(expect.objectContaining({ payment_intent: paymentIntentId }));

    // Before its back-off ends the Cron Trigger leaves it; after, it asks again, with the same key.
    await runHousekeeping(bookingEnv);
    expect(stripe().refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(0);
    await db.sql()`update refunds set next_attempt_at = now() where booking_id = ${booking.id}`;
    await runHousekeeping(bookingEnv);
    const [refund] = await db.sql()`select id, status, attempts, last_error from refunds where booking_id = ${booking.id}`;
    expect(refund).toMatchObject({ status: "succeeded", attempts: 2, last_error: null });
    const keys = stripe().requests.filter((r) => r.path === "/v1/refunds" && r.params.get("payment_intent") === paymentIntentId).map((r) => r.idempotencyKey);
    expect(new Set(keys)).toEqual(new Set([`refund-${refund!.id}`]));
    await db.sql()`update refunds set next_attempt_at = now() where booking_id = ${booking.id}`;
    await runHousekeeping(bookingEnv);
    expect(stripe().refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(1);
    await checkMoney();
  });

  it("refund.updated from Stripe settles a pending refund", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await deliver(succeed(paymentIntentId));
    await call("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: owner.accessToken });
    let reference = "";
    await eventually(async () => {
      const [refund] = await db.sql()`select provider_reference from refunds where booking_id = ${booking.id} and provider_reference is not null`;
      reference = refund!.provider_reference;
    });
    await db.sql()`update refunds set status = 'pending' where booking_id = ${booking.id}`;
    const res = await deliver(stripe().event("refund.updated", { id: reference, object: "refund", status: "succeeded", payment_intent: paymentIntentId }));
    expect(res.body.data.outcome).toBe("recorded");
    const [refund] = await db.sql()`select status from refunds where booking_id = ${booking.id}`;
    expect(refund!.status).toBe("succeeded");
  });

  it("an airline cancellation refunds the flight's paid bookings through Stripe", async () => {
    const admin = await t.newAdmin();
    const { owner, flight, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    await deliver(succeed(paymentIntentId));
    const res = await call("PATCH", `/api/v1/flights/${flight.id}`, { token: admin.accessToken, body: { status: "cancelled" } });
    expect(res.status, res.text).toBe(200);
    await eventually(async () => {
      const [refund] = await db.sql()`select status from refunds where booking_id = ${booking.id}`;
      expect(refund?.status).toBe("succeeded");
    });
    expect(stripe().refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(1);
    await checkMoney();
  });
});

describe("errors", () => {
  it("a wrong, stale, missing or tampered signature is 400 and changes nothing", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const event = succeed(paymentIntentId);
    const wrong = await deliver(event, { secret: "whsec_someone_else" });
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const { body, headers } = stripe().delivery(event);
    const missing = await call("POST", "/api/v1/payments/stripe/webhook", { body, headers: { "content-type": "application/json" } });
    const tampered = await call("POST", "/api/v1/payments/stripe/webhook", { body: body.replace(String(booking.totalAmount.amount), "1"), headers });
    for (const res of [wrong, stale, missing, tampered]) {
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "headers.stripe-signature" })] });
    }
    const [seen] = await db.sql()`select count(*)::int as n from payment_webhook_events where id = ${event.id}`;
    expect(seen!.n).toBe(0);
    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data.status).toBe("held");
    // The genuine delivery still works afterwards.
    expect((await deliver(event)).body.data.outcome).toBe("confirmed");
  });

  it("a correctly signed event without what the handlers read is 400 at its path, never 500, and changes nothing", async () => {
    const { owner, booking } = await newBooking();
    const { paymentIntentId } = await startPaying(owner.accessToken, booking.id, booking.totalAmount.amount);
    const signed = (event: unknown) => {
      const body = JSON.stringify(event);
      return call("POST", "/api/v1/payments/stripe/webhook", { body, headers: { "content-type": "application/json", "stripe-signature": stripe().sign(body) } });
    };
    const cases: [unknown, string][] = [
      [{ id: "evt_no_data", type: "payment_intent.succeeded" }, "body.data"],
      [{ id: null, type: "payment_intent.succeeded", data: { object: {} } }, "body.id"],
      [{ id: "e".repeat(300), type: "payment_intent.succeeded", data: { object: {} } }, "body.id"],
      [{ id: "evt_pi_id", type: "payment_intent.succeeded", data: { object: { object: "payment_intent", id: 123 } } }, "body.data.object.id"],
      [{ id: "evt_pi_amount", type: "payment_intent.succeeded", data: { object: { object: "payment_intent", id: paymentIntentId, status: "succeeded", amount: "all", currency: "inr" } } }, "body.data.object.amount"],
      [{ id: "evt_refund", type: "refund.updated", data: { object: { object: "refund", status: "succeeded" } } }, "body.data.object.id"],
    ];
    for (const [event, path] of cases) {
      const res = await signed(event);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const [seen] = await db.sql()`select count(*)::int as n from payment_webhook_events where id in ('evt_no_data', 'evt_pi_id', 'evt_pi_amount', 'evt_refund')`;
    expect(seen!.n).toBe(0);
    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data).toMatchObject({ status: "held", paymentId: null });
  });

  it("Stripe unavailable when paying is 503 DEPENDENCY_UNAVAILABLE, the hold kept; a retry gets the intent", async () => {
    const { owner, booking } = await newBooking();
    stripe().failNext(500, 2, "/v1/payment_intents");
    const down = await pay(owner.accessToken, booking.id, booking.totalAmount.amount);
    expect([down.status, down.body.error.code]).toEqual([503, "DEPENDENCY_UNAVAILABLE"]);
    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data.status).toBe("held");
    expect((await pay(owner.accessToken, booking.id, booking.totalAmount.amount)).status).toBe(202);
  });

  it("a wrong amount is 422 and an expired hold 409, before Stripe is asked", async () => {
    const { owner, booking } = await newBooking();
    const before = stripe().requests.length;
    const wrong = await pay(owner.accessToken, booking.id, booking.totalAmount.amount - 1);
    expect([wrong.status, wrong.body.error.code]).toEqual([422, "AMOUNT_MISMATCH"]);
    await expireHold(booking.id);
    const late = await pay(owner.accessToken, booking.id, booking.totalAmount.amount);
    expect([late.status, late.body.error.code]).toEqual([409, "BOOKING_EXPIRED"]);
    expect(stripe().requests.length).toBe(before);
  });

  it("without Stripe configured the webhook is 404", async () => {
    const { STRIPE_SECRET_KEY: _, STRIPE_WEBHOOK_SECRET: __, ...plain } = bookingEnv;
    const withoutStripe = clientFor(booking, () => plain);
    const { body, headers } = stripe().delivery(stripe().event("customer.created", { id: "cus_2", object: "customer" }));
    const res = await withoutStripe("POST", "/api/v1/payments/stripe/webhook", { body, headers });
    expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
  });
});

describe("security", () => {
  it("another user's booking is 404 and no intent is created", async () => {
    const { booking } = await newBooking();
    const stranger = await newUser();
    const before = stripe().requests.length;
    const res = await pay(stranger.accessToken, booking.id, booking.totalAmount.amount);
    expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(stripe().requests.length).toBe(before);
  });

  it("the gateway routes the webhook to the booking worker without a user token", () => {
    const route = upstreamRoutes.find((r) => r.path === "/api/v1/payments/stripe/webhook");
    expect(route).toMatchObject({ method: "POST", upstream: "booking", signedIn: false });
  });
});

describe("configuration", () => {
  it("a Stripe secret key without the webhook secret stops the worker from starting, naming the variable", () => {
    const { STRIPE_WEBHOOK_SECRET: _, ...half } = bookingEnv;
    expect(() => parseConfig(BookingConfigSchema, { ...half })).toThrow(/STRIPE_WEBHOOK_SECRET is required/);
  });
});
