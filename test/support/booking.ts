import { beforeAll, expect } from "vitest";
import booking from "../../workers/booking/index";
import { useCatalog } from "./catalog";
import { clientFor } from "./client";

/**
 * The booking worker over the same database as auth and search. `newFlight` makes a flight of
 * `rows` × `seatsPerRow` seats departing in 30 days at 100.00 INR a seat.
 */
export function useBooking(options = { holdMinutes: 15 }) {
  const catalog = useCatalog();
  const env: Record<string, string> = {};
  let airplaneFor: (rows: number, seatsPerRow: number) => Promise<string>;
  beforeAll(async () => {
    Object.assign(env, {
      DATABASE_URL: catalog.db.url(),
      JWT_PUBLIC_JWKS: catalog.env.JWT_PUBLIC_JWKS!,
      HOLD_MINUTES: String(options.holdMinutes),
    });
    await catalog.airport("BKA", "Asia/Kolkata");
    await catalog.airport("BKB", "Asia/Kolkata");
    await catalog.airport("BKC", "Asia/Kolkata");
    const planes = new Map<string, string>();
    airplaneFor = async (rows, seatsPerRow) => {
      const key = `${rows}x${seatsPerRow}`;
      if (!planes.has(key)) planes.set(key, (await catalog.airplane([{ cabin: "economy", rows, seatsPerRow }])).id);
      return planes.get(key)!;
    };
  });
  const call = clientFor(booking, () => env);

  async function newFlight(rows = 5, seatsPerRow = 4, price = 100_00) {
    const departure = new Date(Date.now() + 30 * 86_400_000);
    return catalog.flight({
      airplaneId: await airplaneFor(rows, seatsPerRow),
      from: "BKA",
      to: "BKB",
      departureTime: departure.toISOString(),
      arrivalTime: new Date(departure.getTime() + 2 * 3_600_000).toISOString(),
      price: { amount: price, currency: "INR" },
    });
  }

  /**
   * A flight between two of BKA, BKB, BKC leaving at `departure` for `hours`, in an airplane of
   * `cabins` (default 5 × 4 economy) at `prices` (default 100.00 INR economy).
   */
  async function flightBetween(
    from: string,
    to: string,
    departure: Date,
    options: { hours?: number; cabins?: { cabin: string; rows: number; seatsPerRow: number }[]; prices?: Record<string, { amount: number; currency: string }> } = {},
  ) {
    const airplaneId = options.cabins ? (await catalog.airplane(options.cabins)).id : await airplaneFor(5, 4);
    return catalog.flight({
      airplaneId,
      from,
      to,
      departureTime: departure.toISOString(),
      arrivalTime: new Date(departure.getTime() + (options.hours ?? 2) * 3_600_000).toISOString(),
      ...(options.prices ? { prices: options.prices } : { price: { amount: 100_00, currency: "INR" } }),
    });
  }

  /** A booking of several flights: `[{flightId, cabin?, seats?}]`, in journey order. */
  const holdJourney = (token: string, flights: { flightId: string; cabin?: string; seats?: string[] }[], passengers: { name: string }[]) =>
    call("POST", "/api/v1/bookings", { token, body: { flights, passengers } });

  const hold = (token: string, flightId: string, passengers: { name: string; seat?: string }[], headers?: Record<string, string>) =>
    call("POST", "/api/v1/bookings", { token, body: { flightId, passengers }, headers });

  const pay = (token: string, bookingId: string, amount: number, headers?: Record<string, string>) =>
    call("POST", `/api/v1/bookings/${bookingId}/payments`, { token, body: { amount: { amount, currency: "INR" } }, headers });

  /** A new customer's hold of `passengers` seats on a new flight of `flightSeats` (rows × seats a row). */
  async function newBooking(passengers = 1, flightSeats: [number, number] = [1, 2]) {
    const owner = await catalog.newUser();
    const flight = await newFlight(...flightSeats);
    const res = await hold(owner.accessToken, flight.id, Array.from({ length: passengers }, (_, i) => ({ name: `Passenger ${i + 1}` })));
    if (res.status !== 201) throw new Error(`hold failed: ${res.status} ${res.text}`);
    return { owner, flight, booking: res.body.data };
  }

  /** What paying or cancelling a booking changes: its row, its seats, its payments and refunds. */
  const bookingState = (bookingId: string) => catalog.db.sql()`
    select b.status, b.hold_expires_at,
      (select json_agg(s.row || s.letter || ':' || coalesce(s.held_until::text, 'sold') order by s.row, s.letter)
         from seats s where s.booking_id = b.id) as seats,
      (select count(*)::int from payments p where p.booking_id = b.id) as payments,
      (select count(*)::int from refunds r where r.booking_id = b.id) as refunds
    from bookings b where b.id = ${bookingId}`;

  /** Lets a booking's hold run out now (as if HOLD_MINUTES had passed). */
  async function expireHold(bookingId: string) {
    await catalog.db.sql()`update bookings set hold_expires_at = now() - interval '1 second' where id = ${bookingId}`;
    await catalog.db.sql()`update seats set held_until = now() - interval '1 second' where booking_id = ${bookingId}`;
  }

  /**
   * The inventory invariant, per flight: live holds + sold seats + seatsAvailable = capacity, and no
   * seat belongs to two live bookings.
   */
  async function checkInvariants(flightId: string) {
    const sql = catalog.db.sql();
    const [row] = await sql`
      select f.capacity,
        (select count(*)::int from seats s where s.flight_id = f.id and s.booking_id is not null and s.held_until > now()) as held,
        (select count(*)::int from seats s where s.flight_id = f.id and s.booking_id is not null and s.held_until is null) as sold,
        (select count(*)::int from seats s where s.flight_id = f.id and (s.booking_id is null or s.held_until <= now())) as free
      from flights f where f.id = ${flightId}`;
    const api = (await catalog.call("GET", `/api/v1/flights/${flightId}`, { headers: { "cache-control": "no-cache" } })).body.data;
    expect(row!.held + row!.sold + api.seatsAvailable).toBe(row!.capacity);
    expect(api.seatsAvailable).toBe(row!.free);
    const doubles = await sql`
      select p.row, p.letter from booking_passengers p join bookings b on b.id = p.booking_id
      where p.flight_id = ${flightId} and (b.status = 'confirmed' or (b.status = 'held' and b.hold_expires_at > now()))
      group by p.row, p.letter having count(*) > 1`;
    expect(doubles).toHaveLength(0);
    const mismatched = await sql`
      select p.row, p.letter from booking_passengers p join bookings b on b.id = p.booking_id
      left join seats s on s.flight_id = p.flight_id and s.row = p.row and s.letter = p.letter
      where p.flight_id = ${flightId} and (b.status = 'confirmed' or (b.status = 'held' and b.hold_expires_at > now()))
        and s.booking_id is distinct from b.id`;
    expect(mismatched).toHaveLength(0);
    // Every live booking on the flight has a seat on it for each of its passengers, and no more.
    const unseated = await sql`
      select b.id from booking_flights bf join bookings b on b.id = bf.booking_id
      where bf.flight_id = ${flightId} and (b.status = 'confirmed' or (b.status = 'held' and b.hold_expires_at > now()))
        and (select count(*) from seats s where s.flight_id = bf.flight_id and s.booking_id = b.id)
            <> (select count(distinct p.position) from booking_passengers p where p.booking_id = b.id)`;
    expect(unseated).toHaveLength(0);
    return row!;
  }

  return { ...catalog, bookingEnv: env, bookingCall: call, newFlight, flightBetween, holdJourney, hold, pay, newBooking, bookingState, expireHold, checkInvariants };
}
