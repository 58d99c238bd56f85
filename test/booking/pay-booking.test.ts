import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectSignInRequired } from "../support/security";

// Payments racing each other, the hold's expiry or a cancel, and paying an expired hold: concurrency.test.ts.
const { newUser, newFlight, hold, pay, newBooking, bookingState, db, bookingCall: call, checkInvariants, refusedCallers } = useBooking();

describe("happy", () => {
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
});

describe("errors", () => {
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

describe("security", () => {
  it("another user's booking is 404, and it stays unpaid", async () => {
    const { booking } = await newBooking();
    const stranger = await newUser();
    const before = await bookingState(booking.id);
    const res = await pay(stranger.accessToken, booking.id, booking.totalAmount.amount);
    expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(await bookingState(booking.id)).toEqual(before);
  });

  it("without a token, or with an expired or forged one, is 401, and nothing is paid", async () => {
    const { booking } = await newBooking();
    await expectSignInRequired(
      (token) => call("POST", `/api/v1/bookings/${booking.id}/payments`, { token, body: { amount: booking.totalAmount } }),
      await refusedCallers(),
      () => bookingState(booking.id),
    );
  });
});
