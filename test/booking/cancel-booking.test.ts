import { describe, expect, it, vi } from "vitest";
import { useBooking } from "../support/booking";
import { expectSignInRequired } from "../support/security";

// Cancel racing a payment: concurrency.test.ts.
const { newUser, newAdmin, newFlight, hold, pay, newBooking, bookingState, db, bookingCall: call, checkInvariants, expireHold, refusedCallers } =
  useBooking();

const cancel = (token: string | undefined, id: string) => call("POST", `/api/v1/bookings/${id}/cancel`, { token });

describe("happy", () => {
  it("cancelling a hold frees its seats at once and records bookings.cancelled", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
    const res = await cancel(accessToken, booking.id);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: booking.id, status: "cancelled" });
    const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flight.id} and booking_id is not null`;
    expect(taken?.n).toBe(0);
    const [event] = await db.sql()`select payload->'booking'->>'status' as status from outbox_events
      where type = 'bookings.cancelled' and payload->'booking'->>'id' = ${booking.id}`;
    expect(event?.status).toBe("cancelled");
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    await checkInvariants(flight.id);
  });

  it("cancelling a paid booking records a refund of the payment", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1, 777_00);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await pay(accessToken, booking.id, 777_00);
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    const [refund] = await db.sql()`select amount::int, currency from refunds where booking_id = ${booking.id}`;
    expect(refund).toEqual({ amount: 777_00, currency: "INR" });
    // The owner sees it on the booking: requested, then settled by the approve-all provider just after the answer.
    await vi.waitFor(async () => {
      const seen = await call("GET", `/api/v1/bookings/${booking.id}`, { token: accessToken });
      expect(seen.body.data.refunds).toEqual([
        { id: expect.any(String), amount: { amount: 777_00, currency: "INR" }, status: "succeeded", createdAt: expect.any(String) },
      ]);
    }, 5_000);
  });
});

describe("errors", () => {
  it("an expired hold cannot be cancelled (409)", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await expireHold(booking.id);
    const res = await cancel(accessToken, booking.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("INVALID_STATE");
  });
});

describe("security", () => {
  it("another user's booking is 404 and stays held; an admin may cancel it", async () => {
    const { booking } = await newBooking();
    const stranger = await newUser();
    const admin = await newAdmin();
    const before = await bookingState(booking.id);
    const res = await cancel(stranger.accessToken, booking.id);
    expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(await bookingState(booking.id)).toEqual(before);
    expect((await cancel(admin.accessToken, booking.id)).status).toBe(200);
  });

  it("without a token, or with an expired or forged one, is 401, and the booking stays held", async () => {
    const { booking } = await newBooking();
    await expectSignInRequired((token) => cancel(token, booking.id), await refusedCallers(), () => bookingState(booking.id));
  });
});
