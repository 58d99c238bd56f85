import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";

// Money safety against the other actors on a flight: the airline (an admin cancelling or moving
// it) and the clock (the departure). Nobody pays for, or is refunded on, a flight that has left;
// nobody pays for one that was cancelled.
const { newUser, newAdmin, newFlight, hold, pay, db, bookingCall: call, checkInvariants } = useBooking();

const cancel = (token: string, id: string) => call("POST", `/api/v1/bookings/${id}/cancel`, { token });
const departIn = (flightId: string, seconds: number) =>
  db.sql()`update flights set departure_time = now() + make_interval(secs => ${seconds}),
    arrival_time = now() + make_interval(secs => ${seconds + 7200}) where id = ${flightId}`;
const payments = async (bookingId: string) => (await db.sql()`select count(*)::int as n from payments where booking_id = ${bookingId}`)[0]?.n;
const refunds = async (bookingId: string) => (await db.sql()`select count(*)::int as n from refunds where booking_id = ${bookingId}`)[0]?.n;

describe("paying", () => {
  it("for a flight the airline cancelled after the hold: 409 INVALID_STATE FLIGHT_CANCELLED, nothing charged", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    // The moment after the airline's cancellation commits and before its cascade reaches this booking.
    await db.sql()`update flights set status = 'cancelled' where id = ${flight.id}`;
    const res = await pay(accessToken, booking.id, booking.totalAmount.amount);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "INVALID_STATE", details: { reason: "FLIGHT_CANCELLED" } });
    expect(await payments(booking.id)).toBe(0);
    const [row] = await db.sql()`select status from bookings where id = ${booking.id}`;
    expect(row?.status).toBe("held");
  });

  it("for a flight moved into the past: 409 FLIGHT_DEPARTED", async () => {
    const { accessToken } = await newUser();
    const admin = await newAdmin();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    const past = new Date(Date.now() - 3_600_000);
    const moved = await call("PATCH", `/api/v1/flights/${flight.id}`, {
      token: admin.accessToken,
      body: { departureTime: past.toISOString(), arrivalTime: new Date(past.getTime() + 7_200_000).toISOString() },
    });
    expect(moved.status).toBe(200);
    const res = await pay(accessToken, booking.id, booking.totalAmount.amount);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ reason: "FLIGHT_DEPARTED", flightId: flight.id });
    expect(await payments(booking.id)).toBe(0);
  });

  it("a hold made minutes before take-off lasts until departure at most, and cannot be paid once the flight left", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    await departIn(flight.id, 120);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    const [f] = await db.sql()`select departure_time from flights where id = ${flight.id}`;
    expect(new Date(booking.holdExpiresAt).getTime()).toBe(new Date(f!.departure_time).getTime());
    // The flight leaves while the seats are still held (the clock moved, not the hold).
    await db.sql()`update flights set departure_time = now() - interval '1 second' where id = ${flight.id}`;
    const res = await pay(accessToken, booking.id, booking.totalAmount.amount);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ reason: "FLIGHT_DEPARTED", flightId: flight.id });
    expect(await payments(booking.id)).toBe(0);
  });
});

describe("cancelling with a refund (docs/api-notes.md, refund policy)", () => {
  it("until departure: 200 and a full refund", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    expect((await pay(accessToken, booking.id, booking.totalAmount.amount)).status).toBe(200);
    await departIn(flight.id, 60);
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    const [refund] = await db.sql()`select amount from refunds where booking_id = ${booking.id}`;
    expect(Number(refund?.amount)).toBe(booking.totalAmount.amount);
    await checkInvariants(flight.id);
  });

  it("after departure: 409 INVALID_STATE FLIGHT_DEPARTED, no refund, the booking stays confirmed (owner and admin alike)", async () => {
    const { accessToken } = await newUser();
    const admin = await newAdmin();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    expect((await pay(accessToken, booking.id, booking.totalAmount.amount)).status).toBe(200);
    await departIn(flight.id, -60);
    for (const token of [accessToken, admin.accessToken]) {
      const res = await cancel(token, booking.id);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: "INVALID_STATE", details: { reason: "FLIGHT_DEPARTED" } });
    }
    expect(await refunds(booking.id)).toBe(0);
    const [row] = await db.sql()`select status from bookings where id = ${booking.id}`;
    expect(row?.status).toBe("confirmed");
  });

  it("a flight the airline cancelled never departs: its bookings can still be cancelled and refunded after the scheduled time", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    expect((await pay(accessToken, booking.id, booking.totalAmount.amount)).status).toBe(200);
    await db.sql()`update flights set status = 'cancelled' where id = ${flight.id}`;
    await departIn(flight.id, -60);
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    expect(await refunds(booking.id)).toBe(1);
  });
});
