import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";

// Contention is normal, not an error: the only answers are 201/200, 409 and 4xx, never a 5xx.
const booking = useBooking();
const { newUser, newFlight, hold, pay, db, bookingCall: call, checkInvariants, expireHold } = booking;

const statuses = (results: { status: number }[]) =>
  results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

describe("races for seats", () => {
  it("200 concurrent one-seat requests for the last 10 seats: exactly 10 holds, 190 SEATS_UNAVAILABLE", async () => {
    const flight = await newFlight(5, 4);
    const { accessToken } = await newUser();
    // Sell all but 10 seats first.
    const early = await hold(accessToken, flight.id, Array.from({ length: 9 }, (_, i) => ({ name: `E${i}` })));
    const early2 = await hold(accessToken, flight.id, [{ name: "F" }]);
    expect([early.status, early2.status]).toEqual([201, 201]);

    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => hold(accessToken, flight.id, [{ name: `R${i}` }])));
    expect(statuses(results)).toEqual({ 201: 10, 409: 190 });
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "SEATS_UNAVAILABLE")).toBe(true);
    const seats = results.filter((r) => r.status === 201).map((r) => r.body.data.seats[0]);
    expect(new Set(seats).size).toBe(10);
    const row = await checkInvariants(flight.id);
    expect(row.held).toBe(20);
  });

  it("50 clients choose seat 3C at once: exactly one gets it", async () => {
    const flight = await newFlight(5, 4);
    const clients = await Promise.all(Array.from({ length: 5 }, () => newUser()));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => hold(clients[i % 5]!.accessToken, flight.id, [{ name: `C${i}`, seat: "3C" }])),
    );
    expect(statuses(results)).toEqual({ 201: 1, 409: 50 - 1 });
    await checkInvariants(flight.id);
  });

  it("overlapping group choices never share a seat and never deadlock", async () => {
    const flight = await newFlight(3, 4);
    const { accessToken } = await newUser();
    const groups = [
      ["1A", "1B", "2A"],
      ["2A", "1B"],
      ["1B", "3D", "1A"],
      ["3D", "2A"],
      ["1A", "3D"],
    ];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        hold(accessToken, flight.id, groups[i % groups.length]!.map((seat, j) => ({ name: `G${i}-${j}`, seat }))),
      ),
    );
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    await checkInvariants(flight.id);
  });
});

describe("races for payments", () => {
  it("20 concurrent payments with one Idempotency-Key: one payment, twenty identical answers", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => pay(accessToken, booking.id, booking.totalAmount.amount, { "idempotency-key": "pay-once" })),
    );
    expect(statuses(results)).toEqual({ 200: 20 });
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    const [payments] = await db.sql()`select count(*)::int as n from payments where booking_id = ${booking.id}`;
    expect(payments?.n).toBe(1);
  });

  it("20 concurrent payments without a key: one confirms, the rest are 409", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    const results = await Promise.all(Array.from({ length: 20 }, () => pay(accessToken, booking.id, booking.totalAmount.amount)));
    expect(statuses(results)).toEqual({ 200: 1, 409: 19 });
    const [payments] = await db.sql()`select count(*)::int as n from payments where booking_id = ${booking.id}`;
    expect(payments?.n).toBe(1);
  });

  it("a payment racing the hold's expiry and a new buyer: confirmed or expired, never both", async () => {
    for (let round = 0; round < 10; round++) {
      const owner = await newUser();
      const rival = await newUser();
      const flight = await newFlight(1, 1);
      const booking = (await hold(owner.accessToken, flight.id, [{ name: "Owner", seat: "1A" }])).body.data;
      await db.sql()`update bookings set hold_expires_at = now() + interval '30 milliseconds' where id = ${booking.id}`;
      await db.sql()`update seats set held_until = now() + interval '30 milliseconds' where booking_id = ${booking.id}`;
      await new Promise((r) => setTimeout(r, round * 4));
      const [payment, rivalHold] = await Promise.all([
        pay(owner.accessToken, booking.id, booking.totalAmount.amount),
        hold(rival.accessToken, flight.id, [{ name: "Rival", seat: "1A" }]),
      ]);
      expect([200, 409]).toContain(payment.status);
      expect([201, 409]).toContain(rivalHold.status);
      // Never both: the seat is either sold to the owner or held by the rival.
      expect(payment.status === 200 && rivalHold.status === 201).toBe(false);
      const state = (await call("GET", `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).body.data.status;
      expect(state).toBe(payment.status === 200 ? "confirmed" : "expired");
      await checkInvariants(flight.id);
    }
  });

  it("cancel racing payment: one wins, and the seats agree with it", async () => {
    for (let round = 0; round < 10; round++) {
      const { accessToken } = await newUser();
      const flight = await newFlight(1, 2);
      const booking = (await hold(accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
      const [payment, cancel] = await Promise.all([
        pay(accessToken, booking.id, booking.totalAmount.amount),
        call("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: accessToken }),
      ]);
      expect(cancel.status).toBe(200);
      const [refunds] = await db.sql()`select count(*)::int as n from refunds where booking_id = ${booking.id}`;
      // Payment first then cancel: refunded. Cancel first: the payment is refused.
      expect(refunds?.n).toBe(payment.status === 200 ? 1 : 0);
      if (payment.status !== 200) expect(payment.status).toBe(409);
      const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flight.id} and booking_id is not null`;
      expect(taken?.n).toBe(0);
      await checkInvariants(flight.id);
    }
  });

  it("an expired hold cannot be paid", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await expireHold(booking.id);
    const res = await pay(accessToken, booking.id, booking.totalAmount.amount);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("BOOKING_EXPIRED");
  });
});

describe("the airline cancels while customers buy", () => {
  it("cancellation racing 25 payments and 25 new holds on the flight: every booking ends cancelled (refunded if paid) or was never made", async () => {
    const { newAdmin } = booking;
    const admin = await newAdmin();
    const flight = await newFlight(10, 6);
    const buyers = await Promise.all(Array.from({ length: 25 }, () => newUser()));
    const late = await Promise.all(Array.from({ length: 25 }, () => newUser()));
    const holds = await Promise.all(buyers.map((b) => hold(b.accessToken, flight.id, [{ name: "Buyer" }])));
    expect(statuses(holds)).toEqual({ 201: 25 });

    const [cancellation, ...answers] = await Promise.all([
      call("PATCH", `/api/v1/flights/${flight.id}`, { token: admin.accessToken, body: { status: "cancelled" } }),
      ...buyers.map((b, i) => pay(b.accessToken, holds[i]!.body.data.id, holds[i]!.body.data.totalAmount.amount)),
      ...late.map((b) => hold(b.accessToken, flight.id, [{ name: "Late" }])),
    ]);
    expect(cancellation!.status).toBe(200);
    const payments = answers.slice(0, 25);
    const newHolds = answers.slice(25);
    expect(payments.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(newHolds.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    // A payment or hold refused by the cancellation says so.
    for (const refused of [...payments, ...newHolds].filter((r) => r.status === 409)) {
      expect(refused.body.error.code).toBe("INVALID_STATE");
    }

    const changeId = cancellation!.body.data.change.id;
    await expect
      .poll(async () => (await db.sql()`select completed_at is not null as done from flight_changes where id = ${changeId}`)[0]?.done, { timeout: 20_000 })
      .toBe(true);
    const bookings = await db.sql()`
      select b.id, b.status, (select count(*)::int from payments p where p.booking_id = b.id) as paid,
        (select count(*)::int from refunds r where r.booking_id = b.id) as refunded
      from bookings b where b.id in (select booking_id from booking_flights where flight_id = ${flight.id})`;
    expect(bookings.length).toBeGreaterThanOrEqual(25);
    for (const b of bookings) {
      expect(b.status, `booking ${b.id}`).toBe("cancelled");
      expect(b.refunded, `booking ${b.id}: paid ${b.paid}, refunded ${b.refunded}`).toBe(b.paid);
    }
    expect(payments.filter((r) => r.status === 200)).toHaveLength(bookings.filter((b) => b.paid === 1).length);
    const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flight.id} and booking_id is not null`;
    expect(taken?.n).toBe(0);
    await checkInvariants(flight.id);
  });
});

describe("journeys of several flights racing", () => {
  it("100 bookings over overlapping flights at once (connections, returns, single flights, seats in any order): no deadlock, no 5xx, no partial hold", async () => {
    const { flightBetween, holdJourney } = booking;
    const start = new Date(Date.now() + 50 * 86_400_000);
    const hour = 3_600_000;
    // A: BKA→BKC, B: BKC→BKB, C: BKB→BKA (a return, days later), D: BKA→BKB. 12 seats each.
    const small = { cabins: [{ cabin: "economy", rows: 3, seatsPerRow: 4 }] };
    const a = await flightBetween("BKA", "BKC", start, small);
    const b = await flightBetween("BKC", "BKB", new Date(start.getTime() + 3 * hour), small);
    const c = await flightBetween("BKB", "BKA", new Date(start.getTime() + 72 * hour), small);
    const d = await flightBetween("BKA", "BKB", new Date(start.getTime() + 1 * hour), small);
    const journeys = [[a, b], [a, b, c], [b, c], [d, c], [b], [a], [d]];
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    const seatsIn = (i: number) => (i % 3 === 0 ? [["3D", "1A"][i % 2]!, "2B"] : undefined);
    const requests = Array.from({ length: 100 }, (_, i) => {
      const legs = journeys[i % journeys.length]!;
      const flights = legs.map((f, leg) => ({ flightId: f.id, ...(leg === (i % legs.length) && seatsIn(i) ? { seats: seatsIn(i) } : {}) }));
      return holdJourney(users[i % users.length]!.accessToken, flights, [{ name: `P${i}` }, { name: `Q${i}` }]);
    });
    const results = await Promise.all(requests);
    const counts = statuses(results);
    for (const status of Object.keys(counts)) expect(["201", "409"]).toContain(status);
    for (const refused of results.filter((r) => r.status === 409)) {
      expect(refused.body.error.code).toBe("SEATS_UNAVAILABLE");
      expect(refused.body.error.details.flightId).toBeTruthy();
    }
    expect(counts[201]).toBeGreaterThan(0);
    // Every booking made holds both passengers on every one of its flights.
    for (const made of results.filter((r) => r.status === 201)) {
      const [held] = await db.sql()`select count(*)::int as n from seats where booking_id = ${made.body.data.id}`;
      expect(held!.n).toBe(made.body.data.flights.length * 2);
    }
    for (const f of [a, b, c, d]) await checkInvariants(f.id);
  }, 60_000);
});
