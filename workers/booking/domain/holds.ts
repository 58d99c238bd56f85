import { sql } from "drizzle-orm";
import { seatIsFree } from "../../../db/availability";
import { inTransaction, type Queryable, type Transaction } from "../../../db/client";
import type { CabinClass } from "../../../db/schema";
import { AppError, type FieldIssue, notFound, validationFailed } from "../../../shared/errors";
import { isRightOf, parseSeat, type Seat, seatLabel as label } from "../../../shared/seats";
import type { BookingRequest, BookingView } from "../schemas";
import { eventFlightJson, eventUserJson, heldEventInsert } from "./events";
import { flightClosed, flightStateColumns } from "./flight-state";
import { checkJourney } from "./journey";

/** A booking request in one shape, whichever form it came in: its flights in journey order. */
export interface HoldRequest {
  legs: { flightId: string; cabin: CabinClass; seats: (string | undefined)[]; path: string }[];
  passengers: { name: string }[];
}

/** `{flightId}`, `{itineraryId}` or `{flights: [...]}` as one shape (schemas.ts validated which one). */
export function holdRequestOf(body: BookingRequest): HoldRequest {
  const passengers = body.passengers.map((p) => ({ name: p.name }));
  if (body.flights) {
    return {
      legs: body.flights.map((f, i) => ({ flightId: f.flightId, cabin: f.cabin ?? "economy", seats: f.seats ?? [], path: `flights.${i}` })),
      passengers,
    };
  }
  const cabin = body.cabin ?? "economy";
  if (body.itineraryId) {
    const ids = body.itineraryId.split("+");
    return { legs: ids.map((flightId) => ({ flightId, cabin, seats: [], path: "itineraryId" })), passengers };
  }
  return { legs: [{ flightId: body.flightId!, cabin, seats: body.passengers.map((p) => p.seat), path: "flightId" }], passengers };
}

interface LegRow extends Record<string, unknown> {
  id: string;
  origin: string;
  destination: string;
  currency: string;
  departure_time: string;
  arrival_time: string;
  cancelled: boolean;
  departed: boolean;
  fare: string | null;
  event_flight: string;
  event_user: string | null;
}

const seatList = (flightId: string, seats: Seat[]) => sql.join(seats.map((s) => sql`(${flightId}::uuid, ${s.row}::smallint, ${s.letter}::char(1))`), sql`, `);

/**
 * Holds seats for every passenger on every flight of the request, for `holdMinutes` (never past
 * the first departure), as one booking: all or nothing. Locks are taken in one global order,
 * whatever order the request lists flights or seats in: the flights (key-share, by id), then the
 * chosen seats (by flight id, row, letter), all before any other seat is picked; other seats are
 * picked with SKIP LOCKED, which never waits. So concurrent bookings of overlapping flights cannot
 * deadlock. A chosen seat that is taken fails the request with SEATS_UNAVAILABLE naming it and its
 * flight; a flight without enough free seats in the cabin fails it naming the flight.
 */
export function holdSeats(db: Queryable, userId: string, request: HoldRequest, holdMinutes: number): Promise<BookingView> {
  return inTransaction(db, (tx) => hold(tx, userId, request, holdMinutes));
}

async function hold(tx: Transaction, userId: string, request: HoldRequest, holdMinutes: number): Promise<BookingView> {
  // What the hold's event needs from the flights, their airports and the user is read here, once,
  // before any seat is locked. FOR KEY SHARE is the lock the booking's foreign keys take on the
  // flights anyway, taken now (in id order): holds never block each other on it, while an airline
  // change (which locks the flight FOR UPDATE) waits for holds in flight, and a hold waits for a
  // change in flight and then sees it.
  const rows = await tx.execute<LegRow>(sql`
    select f.id, f.origin, f.destination, f.currency, f.departure_time, f.arrival_time, ${flightStateColumns},
      fc.price_amount as fare, ${eventFlightJson} as event_flight,
      (select ${eventUserJson} from users u where u.id = ${userId}) as event_user
    from (values ${sql.join(
      request.legs.map((l) => sql`(${l.flightId}::uuid, ${l.cabin}::cabin_class)`),
      sql`, `,
    )}) as wanted(flight_id, cabin)
    join flights f on f.id = wanted.flight_id
    join airports o on o.code = f.origin
    join airports d on d.code = f.destination
    left join flight_cabins fc on fc.flight_id = f.id and fc.cabin = wanted.cabin
    order by f.id
    for key share of f`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const legs = request.legs.map((leg) => {
    const flight = byId.get(leg.flightId);
    if (!flight) throw notFound(`Flight ${leg.flightId}`);
    const closed = flightClosed({ ...flight, flightId: leg.flightId }, "it cannot be booked");
    if (closed) throw closed;
    if (flight.fare === null) {
      throw validationFailed([{ path: leg.path === "flightId" ? "cabin" : `${leg.path}.cabin`, message: `${leg.cabin} is not sold on flight ${leg.flightId}` }]);
    }
    return { ...leg, flight };
  });
  if (rows[0]!.event_user === null) throw new AppError("UNAUTHENTICATED", "This account no longer exists.");
  checkJourney(legs.map((l) => ({ path: l.path, flightId: l.flightId, from: l.flight.origin, to: l.flight.destination, currency: l.flight.currency, departure: l.flight.departure_time, arrival: l.flight.arrival_time })));

  // Chosen seats first, every flight's, in the global order; then the others, flight by flight.
  const chosen = legs.map((leg) => leg.seats.map((s) => (s ? parseSeat(s) : undefined)));
  await lockChosenSeats(tx, legs, chosen);
  const seats = new Map<string, Seat[]>();
  for (const [i, leg] of [...legs.entries()].sort(([, a], [, b]) => (a.flightId < b.flightId ? -1 : 1))) {
    const picked = chosen[i]!.filter((s): s is Seat => s !== undefined);
    const assigned = await assignSeats(tx, leg.flightId, leg.cabin, request.passengers.length - picked.length, picked);
    let next = 0;
    seats.set(leg.flightId, request.passengers.map((_, p) => chosen[i]![p] ?? assigned[next++]!));
  }

  const currency = legs[0]!.flight.currency;
  const total = legs.reduce((sum, leg) => sum + Number(leg.flight.fare) * request.passengers.length, 0);
  const totalAmount = { amount: total, currency };
  const eventLegs = legs.map((leg) => {
    const onLeg = seats.get(leg.flightId)!;
    const passengers = request.passengers.map((p, i) => ({ name: p.name, seat: label(onLeg[i]!) }));
    return { ...(JSON.parse(leg.flight.event_flight) as Record<string, unknown>), cabin: leg.cabin, seats: passengers.map((p) => p.seat), passengers };
  });
  const allSeats = legs.flatMap((leg) => seats.get(leg.flightId)!.map((s) => sql`(${leg.flightId}::uuid, ${s.row}::smallint, ${s.letter}::char(1))`));
  // The booking, its flights, seats, passengers and event in one statement: one round trip while
  // the seat locks are held, which is what bounds throughput on a busy flight.
  const [booking] = await tx.execute<{ id: string; hold_expires_at: string; created_at: string; held: string }>(sql`
    with booking as (
      insert into bookings (user_id, total_amount, currency, hold_expires_at)
      -- A hold ends at the first departure at the latest: nobody pays for a flight that has left.
      values (${userId}, ${total}, ${currency}, least(now() + make_interval(mins => ${holdMinutes}), ${legs[0]!.flight.departure_time}::timestamptz))
      returning id, hold_expires_at, created_at
    ), journey as (
      insert into booking_flights (booking_id, position, flight_id, cabin, fare_amount)
      select booking.id, l.position, l.flight_id, l.cabin, l.fare
      from booking, jsonb_to_recordset(${JSON.stringify(
        legs.map((leg, i) => ({ position: i, flight_id: leg.flightId, cabin: leg.cabin, fare: Number(leg.flight.fare) })),
      )}::jsonb) as l(position smallint, flight_id uuid, cabin cabin_class, fare bigint)
      returning 1
    ), held as (
      update seats set booking_id = booking.id, held_until = booking.hold_expires_at
      from booking
      where (seats.flight_id, seats.row, seats.letter) in (${sql.join(allSeats, sql`, `)})
      returning 1
    ), named as (
      insert into booking_passengers (booking_id, flight_id, position, name, row, letter)
      select booking.id, p.flight_id, p.position, p.name, p.row, p.letter
      from booking, jsonb_to_recordset(${JSON.stringify(
        legs.flatMap((leg) =>
          seats.get(leg.flightId)!.map((s, i) => ({ flight_id: leg.flightId, position: i, name: request.passengers[i]!.name, row: s.row, letter: s.letter })),
        ),
      )}::jsonb) as p(flight_id uuid, position smallint, name text, row smallint, letter char(1))
      returning 1
    ), event as (${heldEventInsert(sql`booking`, { user: rows[0]!.event_user, legs: eventLegs, totalAmount })})
    select id, hold_expires_at, created_at, (select count(*) from held) as held from booking`);
  // Every seat was locked above, so all must be updated; anything else is a bug, not contention.
  if (Number(booking!.held) !== allSeats.length) throw new Error(`hold updated ${booking!.held} of ${allSeats.length} seats`);
  const flights = legs.map((leg, i) => ({
    flightId: leg.flightId,
    cabin: leg.cabin,
    fare: { amount: Number(leg.flight.fare), currency },
    seats: eventLegs[i]!.seats,
    passengers: eventLegs[i]!.passengers,
  }));
  return {
    id: booking!.id,
    status: "held",
    flightId: flights[0]!.flightId,
    seats: flights[0]!.seats,
    passengers: flights[0]!.passengers,
    flights,
    totalAmount,
    holdExpiresAt: new Date(booking!.hold_expires_at).toISOString(),
    createdAt: new Date(booking!.created_at).toISOString(),
    paymentId: null,
    changes: [],
    refunds: [],
  };
}

/**
 * Locks every chosen seat of every flight, in (flight id, row, letter) order, and checks each is
 * a seat of the flight, in the booked cabin, and free.
 */
async function lockChosenSeats(tx: Transaction, legs: HoldRequest["legs"], chosen: (Seat | undefined)[][]) {
  const wanted = legs.flatMap((leg, i) => chosen[i]!.flatMap((s, p) => (s ? [{ leg, seat: s, path: `${leg.path === "flightId" ? "passengers" : `${leg.path}.seats`}.${p}${leg.path === "flightId" ? ".seat" : ""}` }] : [])));
  if (wanted.length === 0) return;
  wanted.sort((a, b) => (a.leg.flightId < b.leg.flightId ? -1 : a.leg.flightId > b.leg.flightId ? 1 : a.seat.row - b.seat.row || a.seat.letter.localeCompare(b.seat.letter)));
  const rows = await tx.execute<{ flight_id: string; row: number; letter: string; cabin: CabinClass; free: boolean }>(sql`
    select flight_id, row, letter, cabin, ${seatIsFree} as free from seats
    where (flight_id, row, letter) in (${sql.join(wanted.map((w) => seatList(w.leg.flightId, [w.seat])), sql`, `)})
    order by flight_id, row, letter
    for update`);
  const found = new Map(rows.map((r) => [`${r.flight_id}/${label(r)}`, r]));
  const issues: FieldIssue[] = [];
  for (const { leg, seat, path } of wanted) {
    const row = found.get(`${leg.flightId}/${label(seat)}`);
    if (!row) issues.push({ path, message: `${label(seat)} is not a seat on flight ${leg.flightId}` });
    else if (row.cabin !== leg.cabin) issues.push({ path, message: `${label(seat)} is in ${row.cabin}, not ${leg.cabin}` });
  }
  if (issues.length > 0) throw validationFailed(issues);
  const taken = wanted.filter((w) => found.get(`${w.leg.flightId}/${label(w.seat)}`)?.free === false);
  if (taken.length > 0) {
    const labels = taken.map((t) => label(t.seat));
    throw new AppError("SEATS_UNAVAILABLE", `Seat${labels.length > 1 ? "s" : ""} ${labels.join(", ")} ${labels.length > 1 ? "are" : "is"} taken.`, {
      details: { seats: labels, flightId: taken[0]!.leg.flightId },
    });
  }
}

/** Free seats of the cabin for passengers without a choice, side by side when one row has room. */
async function assignSeats(tx: Transaction, flightId: string, cabin: CabinClass, count: number, exclude: Seat[]): Promise<Seat[]> {
  if (count === 0) return [];
  const notChosen = exclude.length ? sql`and (flight_id, row, letter) not in (${seatList(flightId, exclude)})` : sql``;
  const inCabin = sql`flight_id = ${flightId} and cabin = ${cabin}::cabin_class and ${seatIsFree}`;
  if (count > 1) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const free = await tx.execute<Seat>(sql`select row, letter from seats where ${inCabin} ${notChosen} order by row, letter`);
      const block = sideBySide(free, count);
      if (!block) break;
      const locked = await tx.execute<Seat>(sql`
        select row, letter from seats
        where ${inCabin} and (flight_id, row, letter) in (${seatList(flightId, block)})
        for update skip locked`);
      if (locked.length === count) return block;
    }
  }
  const seats = await tx.execute<Seat>(sql`
    select row, letter from seats
    where ${inCabin} ${notChosen}
    order by row, letter
    limit ${count}
    for update skip locked`);
  if (seats.length < count) {
    throw new AppError("SEATS_UNAVAILABLE", `Not enough free ${cabin} seats on flight ${flightId}: ${count} requested.`, {
      details: { flightId, cabin, requested: count },
    });
  }
  return seats.map((s) => ({ row: s.row, letter: s.letter }));
}

/** The first run of `count` adjacent letters in one row, front of the plane first. */
function sideBySide(free: Seat[], count: number): Seat[] | undefined {
  let run: Seat[] = [];
  for (const seat of free) {
    const prev = run[run.length - 1];
    run = prev && isRightOf(seat, prev) ? [...run, seat] : [seat];
    if (run.length === count) return run;
  }
  return undefined;
}
