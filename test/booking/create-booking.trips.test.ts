import { describe, expect, it } from "vitest";
import { runHousekeeping } from "../../workers/booking/index";
import { useBooking } from "../support/booking";

// POST /api/v1/bookings for trips: several flights (a connection, a return trip) held, paid,
// cancelled and expired as one booking, and fares by cabin. Races: concurrency.test.ts.
const booking = useBooking();
const { newUser, flightBetween, holdJourney, hold, pay, db, bookingCall: call, call: searchCall, bookingEnv, checkInvariants } = booking;

const HOUR = 3_600_000;
const THREE_CABINS = [
  { cabin: "first", rows: 1, seatsPerRow: 2 },
  { cabin: "business", rows: 2, seatsPerRow: 4 },
  { cabin: "economy", rows: 4, seatsPerRow: 6 },
];
const INR = (amount: number) => ({ amount, currency: "INR" });
const FARES = { economy: INR(5000_00), business: INR(16000_00), first: INR(32000_00) };
let day = 0;
/** A fresh day in the future, 06:00 UTC, so tests never share flights or itineraries. */
const nextDay = () => new Date(`${new Date(Date.now() + (40 + ++day) * 86_400_000).toISOString().slice(0, 10)}T06:00:00Z`);

/** BKA → BKC → BKB, the second leg leaving 90 minutes after the first lands. */
async function connection(options: Parameters<typeof flightBetween>[3] = {}) {
  const start = nextDay();
  const first = await flightBetween("BKA", "BKC", start, options);
  const second = await flightBetween("BKC", "BKB", new Date(start.getTime() + 3.5 * HOUR), options);
  return { first, second, date: start.toISOString().slice(0, 10) };
}

const seatsOf = async (bookingId: string) =>
  (await db.sql()`select flight_id, row || letter as seat, held_until is null as sold from seats where booking_id = ${bookingId} order by flight_id, row, letter`).map(
    (r) => ({ flightId: r.flight_id as string, seat: r.seat as string, sold: r.sold as boolean }),
  );

describe("happy", () => {
  it("a connection held as one booking: every passenger seated on both flights, the total the sum of both fares", async () => {
    const { accessToken } = await newUser();
    const { first, second } = await connection();
    const res = await holdJourney(accessToken, [{ flightId: first.id }, { flightId: second.id, seats: ["3B", "3A"] }], [{ name: "Asha" }, { name: "Ravi" }]);
    expect(res.status, res.text).toBe(201);
    const data = res.body.data;
    expect(data.flightId).toBe(first.id);
    expect(data.totalAmount).toEqual(INR(4 * 100_00));
    expect(data.flights.map((f: { flightId: string; cabin: string; fare: unknown }) => [f.flightId, f.cabin, f.fare])).toEqual([
      [first.id, "economy", INR(100_00)],
      [second.id, "economy", INR(100_00)],
    ]);
    expect(data.flights[1].passengers).toEqual([
      { name: "Asha", seat: "3B" },
      { name: "Ravi", seat: "3A" },
    ]);
    expect(data.flights[0].seats).toHaveLength(2);
    expect(await seatsOf(data.id)).toHaveLength(4);
    const [event] = await db.sql()`select payload from outbox_events where type = 'bookings.held' and payload->'booking'->>'id' = ${data.id}`;
    expect(event!.payload.booking.flightId).toBe(first.id);
    expect(event!.payload.booking.legs.map((l: { flightId: string; seats: string[] }) => [l.flightId, l.seats])).toEqual([
      [first.id, data.flights[0].seats],
      [second.id, ["3B", "3A"]],
    ]);
    await checkInvariants(first.id);
    await checkInvariants(second.id);
  });

  it("the itinerary ids GET /itineraries answers can be booked as they are", async () => {
    const { accessToken } = await newUser();
    const { first, second, date } = await connection();
    const trips = await searchCall("GET", `/api/v1/itineraries?from=BKA&to=BKB&date=${date}`, { headers: { "cache-control": "no-cache" } });
    const trip = trips.body.data.find((t: { id: string }) => t.id === `${first.id}+${second.id}`);
    expect(trip).toBeTruthy();
    const res = await call("POST", "/api/v1/bookings", { token: accessToken, body: { itineraryId: trip.id, passengers: [{ name: "Asha" }] } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.flights.map((f: { flightId: string }) => f.flightId)).toEqual([first.id, second.id]);
    expect(res.body.data.totalAmount).toEqual(trip.price);
  });

  it("a return trip, days later; paid, then cancelled: every seat sold, then freed, and one refund of the whole", async () => {
    const { accessToken } = await newUser();
    const out = await flightBetween("BKA", "BKB", nextDay());
    const back = await flightBetween("BKB", "BKA", new Date(nextDay().getTime() + 4 * HOUR));
    const held = (await holdJourney(accessToken, [{ flightId: out.id }, { flightId: back.id }], [{ name: "Asha" }])).body.data;
    expect((await pay(accessToken, held.id, held.totalAmount.amount)).status).toBe(200);
    expect((await seatsOf(held.id)).map((s) => s.sold)).toEqual([true, true]);
    expect((await call("POST", `/api/v1/bookings/${held.id}/cancel`, { token: accessToken })).status).toBe(200);
    expect(await seatsOf(held.id)).toEqual([]);
    const refunds = await db.sql()`select amount from refunds where booking_id = ${held.id}`;
    expect(refunds.map((r) => Number(r.amount))).toEqual([held.totalAmount.amount]);
    await checkInvariants(out.id);
    await checkInvariants(back.id);
  });

  it("an expired journey frees every flight's seats; a confirmed one is reminded once per flight, each about its flight", async () => {
    const lapsed = await newUser();
    const buyer = await newUser();
    const start = new Date(Date.now() + 6 * HOUR);
    const first = await flightBetween("BKA", "BKC", start);
    const second = await flightBetween("BKC", "BKB", new Date(start.getTime() + 3 * HOUR));
    const expired = (await holdJourney(lapsed.accessToken, [{ flightId: first.id }, { flightId: second.id }], [{ name: "L" }])).body.data;
    await db.sql()`update bookings set hold_expires_at = now() - interval '1 second' where id = ${expired.id}`;
    await db.sql()`update seats set held_until = now() - interval '1 second' where booking_id = ${expired.id}`;
    const paid = (await holdJourney(buyer.accessToken, [{ flightId: first.id }, { flightId: second.id }], [{ name: "B" }])).body.data;
    expect((await pay(buyer.accessToken, paid.id, paid.totalAmount.amount)).status).toBe(200);
    await runHousekeeping(bookingEnv);
    await runHousekeeping(bookingEnv);
    expect(await seatsOf(expired.id)).toEqual([]);
    const reminders = await db.sql()`select payload->'booking'->>'flightId' as flight from outbox_events
      where type = 'bookings.reminder' and payload->'booking'->>'id' = ${paid.id} order by 1`;
    expect(reminders.map((r) => r.flight).sort()).toEqual([first.id, second.id].sort());
  });

  it("fares by cabin: a business hold is seated in business at the business fare", async () => {
    const { accessToken } = await newUser();
    const f = await flightBetween("BKA", "BKB", nextDay(), { cabins: THREE_CABINS, prices: FARES });
    const res = await call("POST", "/api/v1/bookings", { token: accessToken, body: { flightId: f.id, cabin: "business", passengers: [{ name: "A" }, { name: "B" }] } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.totalAmount).toEqual(INR(2 * 16000_00));
    expect(res.body.data.flights[0]).toMatchObject({ cabin: "business", fare: INR(16000_00) });
    // Business is rows 2 and 3 (first is row 1).
    expect(res.body.data.seats.every((s: string) => ["2", "3"].includes(s.slice(0, -1)))).toBe(true);
    const economy = await hold(accessToken, f.id, [{ name: "C" }]);
    expect(economy.body.data.totalAmount).toEqual(FARES.economy);
  });
});

describe("errors", () => {
  it("a chosen seat in another cabin is 400 saying so", async () => {
    const { accessToken } = await newUser();
    const f = await flightBetween("BKA", "BKB", nextDay(), { cabins: THREE_CABINS, prices: FARES });
    const res = await hold(accessToken, f.id, [{ name: "A", seat: "1A" }]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: "passengers.0.seat", message: "1A is in first, not economy" }]);
  });

  it("a cabin the flight does not sell is 400", async () => {
    const { accessToken } = await newUser();
    const f = await flightBetween("BKA", "BKB", nextDay(), { cabins: THREE_CABINS, prices: { economy: FARES.economy } });
    const res = await call("POST", "/api/v1/bookings", { token: accessToken, body: { flightId: f.id, cabin: "first", passengers: [{ name: "A" }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: "cabin", message: `first is not sold on flight ${f.id}` });
  });

  it("flights that do not make a journey are 400 naming the flight, and nothing is held", async () => {
    const { accessToken } = await newUser();
    const { first, second } = await connection();
    const elsewhere = await flightBetween("BKA", "BKB", new Date(Date.parse(first.arrivalTime) + 4 * HOUR));
    const tight = await flightBetween("BKC", "BKB", new Date(Date.parse(first.arrivalTime) + 20 * 60_000));
    const broken = await holdJourney(accessToken, [{ flightId: first.id }, { flightId: elsewhere.id }], [{ name: "A" }]);
    expect(broken.status).toBe(400);
    expect(broken.body.error.details[0].path).toBe("flights.1.flightId");
    const rushed = await holdJourney(accessToken, [{ flightId: first.id }, { flightId: tight.id }], [{ name: "A" }]);
    expect(rushed.body.error.details[0].message).toMatch(/at least 45 minutes after/);
    const backwards = await holdJourney(accessToken, [{ flightId: second.id }, { flightId: first.id }], [{ name: "A" }]);
    expect(backwards.status).toBe(400);
    expect(await db.sql()`select 1 from seats where flight_id in (${first.id}, ${second.id}) and booking_id is not null`).toHaveLength(0);
  });

  it("refuses more than 4 flights, a flight twice, two forms at once, and per-passenger seats with several flights", async () => {
    const { accessToken } = await newUser();
    const { first, second } = await connection();
    const send = (body: unknown) => call("POST", "/api/v1/bookings", { token: accessToken, body });
    const five = await send({ flights: Array.from({ length: 5 }, () => ({ flightId: first.id })), passengers: [{ name: "A" }] });
    expect(five.body.error.details.map((d: { path: string }) => d.path)).toContain("flights");
    const twice = await send({ flights: [{ flightId: first.id }, { flightId: first.id }], passengers: [{ name: "A" }] });
    expect(twice.body.error.details).toEqual([{ path: "flights.1.flightId", message: "names a flight twice" }]);
    expect((await send({ flightId: first.id, flights: [{ flightId: second.id }], passengers: [{ name: "A" }] })).status).toBe(400);
    const seated = await send({ flights: [{ flightId: first.id }, { flightId: second.id }], passengers: [{ name: "A", seat: "1A" }] });
    expect(seated.body.error.details[0].path).toBe("passengers");
  });

  it("a sold-out flight fails the whole journey with 409 SEATS_UNAVAILABLE naming it; the other flight keeps its seats", async () => {
    const { accessToken } = await newUser();
    const { first, second } = await connection({ cabins: [{ cabin: "economy", rows: 1, seatsPerRow: 2 }] });
    const blocker = await newUser();
    expect((await hold(blocker.accessToken, second.id, [{ name: "X" }, { name: "Y" }])).status).toBe(201);
    const res = await holdJourney(accessToken, [{ flightId: first.id }, { flightId: second.id }], [{ name: "A" }]);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "SEATS_UNAVAILABLE", details: { flightId: second.id } });
    expect(await db.sql()`select 1 from seats where flight_id = ${first.id} and booking_id is not null`).toHaveLength(0);
    const chosen = await holdJourney(accessToken, [{ flightId: first.id }, { flightId: second.id, seats: ["1A"] }], [{ name: "A" }]);
    expect(chosen.body.error).toMatchObject({ code: "SEATS_UNAVAILABLE", details: { seats: ["1A"], flightId: second.id } });
  });
});
