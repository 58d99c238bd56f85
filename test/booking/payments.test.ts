import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";

const { newUser, newFlight, hold, pay, db, bookingCall: call, checkInvariants } = useBooking();

describe("POST /api/v1/bookings/:id/payments", () => {
  it("confirms a held booking: one payment row, seats sold, bookings.confirmed recorded", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2, 3000_00);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
    const res = await pay(accessToken, booking.id, 6000_00);

    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({ bookingId: booking.id, status: "confirmed", paymentId: expect.any(String) });
    const [payment] = await db.sql()`select amount::int, currency, provider from payments where booking_id = ${booking.id}`;
    expect(payment).toEqual({ amount: 6000_00, currency: "INR", provider: "approve-all" });
    const seats = await db.sql()`select held_until from seats where booking_id = ${booking.id}`;
    expect(seats.map((s) => s.held_until)).toEqual([null, null]);
    const events = await db.sql()`select type from outbox_events where payload->'booking'->>'id' = ${booking.id} order by occurred_at`;
    expect(events.map((e) => e.type)).toEqual(["bookings.held", "bookings.confirmed"]);
    const read = await call("GET", `/api/v1/bookings/${booking.id}`, { token: accessToken });
    expect(read.body.data).toMatchObject({ status: "confirmed", paymentId: res.body.data.paymentId });
    await checkInvariants(flight.id);
  });

  it("refuses another amount or currency with 422 AMOUNT_MISMATCH and keeps the hold", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2, 3000_00);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    const low = await pay(accessToken, booking.id, 2999_00);
    const dollars = await call("POST", `/api/v1/bookings/${booking.id}/payments`, {
      token: accessToken,
      body: { amount: { amount: 3000_00, currency: "USD" } },
    });
    expect([low.status, dollars.status]).toEqual([422, 422]);
    expect(low.body.error).toMatchObject({ code: "AMOUNT_MISMATCH", details: { expected: { amount: 3000_00, currency: "INR" } } });
    const read = await call("GET", `/api/v1/bookings/${booking.id}`, { token: accessToken });
    expect(read.body.data.status).toBe("held");
  });

  it("a paid booking cannot be paid again (409 INVALID_STATE)", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    expect((await pay(accessToken, booking.id, booking.totalAmount.amount)).status).toBe(200);
    const again = await pay(accessToken, booking.id, booking.totalAmount.amount);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("INVALID_STATE");
  });

  it("validates the body", async () => {
    const { accessToken } = await newUser();
    const res = await call("POST", `/api/v1/bookings/${crypto.randomUUID()}/payments`, { token: accessToken, body: { amount: 100 } });
    expect(res.status).toBe(400);
  });
});

describe("Idempotency-Key", () => {
  it("the same key and body replay the first answer; another body is 409 IDEMPOTENCY_CONFLICT", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const body = [{ name: "A", seat: "1A" }];
    const first = await hold(accessToken, flight.id, body, { "idempotency-key": "hold-1" });
    const second = await hold(accessToken, flight.id, body, { "idempotency-key": "hold-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [count] = await db.sql()`select count(*)::int as n from bookings where flight_id = ${flight.id}`;
    expect(count?.n).toBe(1);

    const other = await hold(accessToken, flight.id, [{ name: "B", seat: "1B" }], { "idempotency-key": "hold-1" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("is per user: another user's same key is their own", async () => {
    const a = await newUser();
    const b = await newUser();
    const flight = await newFlight(2, 2);
    const first = await hold(a.accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "shared" });
    const second = await hold(b.accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "shared" });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.data.id).not.toBe(first.body.data.id);
  });

  it("a failed request stores nothing: a retry with the same key runs again", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const blocker = await newUser();
    const blocking = (await hold(blocker.accessToken, flight.id, [{ name: "X", seat: "1A" }])).body.data;
    const refused = await hold(accessToken, flight.id, [{ name: "A", seat: "1A" }], { "idempotency-key": "retry-me" });
    expect(refused.status).toBe(409);
    await call("POST", `/api/v1/bookings/${blocking.id}/cancel`, { token: blocker.accessToken });
    const retried = await hold(accessToken, flight.id, [{ name: "A", seat: "1A" }], { "idempotency-key": "retry-me" });
    expect(retried.status).toBe(201);
  });

  it("refuses an unusable key", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const res = await hold(accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "x".repeat(300) });
    expect(res.status).toBe(400);
  });
});
