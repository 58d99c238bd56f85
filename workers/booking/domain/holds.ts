import { sql } from "drizzle-orm";
import { seatIsFree } from "../../../db/availability";
import { inTransaction, type Queryable, type Transaction } from "../../../db/client";
import { AppError, notFound, validationFailed } from "../../../shared/errors";
import { isRightOf, parseSeat, type Seat, seatLabel as label } from "../../../shared/seats";
import type { BookingView, HoldRequest } from "../schemas";
import { eventFlightJson, eventUserJson, heldEventInsert } from "./events";
import { flightClosed, flightStateColumns } from "./flight-state";
const seatList = (seats: Seat[]) => sql.join(seats.map((s) => sql`(${s.row}::smallint, ${s.letter}::char(1))`), sql`, `);

/**
 * Holds seats on a flight for `holdMinutes`. Chosen seats are all-or-nothing: exactly those rows
 * are locked (in seat order, so two groups cannot deadlock) and any taken one fails the request
 * with SEATS_UNAVAILABLE naming it. Other passengers get free seats locked with SKIP LOCKED, so
 * concurrent buyers of one flight take different seats instead of queueing on the same rows; a
 * group gets seats side by side when a row has room. The flight row is only key-share locked.
 */
export function holdSeats(db: Queryable, userId: string, request: HoldRequest, holdMinutes: number): Promise<BookingView> {
  return inTransaction(db, (tx) => hold(tx, userId, request, holdMinutes));
}

async function hold(tx: Transaction, userId: string, request: HoldRequest, holdMinutes: number): Promise<BookingView> {
  // What the hold's event needs from the flight, its airports and the user is read here, once,
  // before any seat is locked. FOR KEY SHARE is the lock the booking's foreign key takes on the
  // flight anyway, taken now: holds never block each other on it, while an airline change (which
  // locks the flight FOR UPDATE) waits for holds in flight, and a hold waits for a change in flight
  // and then sees it.
  const [flight] = await tx.execute<{
    id: string;
    price_amount: string;
    currency: string;
    departure_time: string;
    cancelled: boolean;
    departed: boolean;
    event_flight: string;
    event_user: string | null;
  }>(sql`
    select f.id, f.price_amount, f.currency, f.departure_time, ${flightStateColumns},
      ${eventFlightJson} as event_flight,
      (select ${eventUserJson} from users u where u.id = ${userId}) as event_user
    from flights f
    join airports o on o.code = f.origin
    join airports d on d.code = f.destination
    where f.id = ${request.flightId}
    for key share of f`);
  if (!flight) throw notFound("Flight");
  const closed = flightClosed(flight, "it cannot be booked");
  if (closed) throw closed;
  if (flight.event_user === null) throw new AppError("UNAUTHENTICATED", "This account no longer exists.");

  const chosen = request.passengers.flatMap((p) => (p.seat ? [parseSeat(p.seat)] : []));
  if (chosen.length > 0) await lockChosenSeats(tx, request, chosen);
  const assigned = await assignSeats(tx, request.flightId, request.passengers.length - chosen.length, chosen);

  let next = 0;
  const seats = request.passengers.map((p) => (p.seat ? parseSeat(p.seat) : assigned[next++]!));
  const passengers = request.passengers.map((p, i) => ({ name: p.name, seat: label(seats[i]!) }));
  const seatLabels = passengers.map((p) => p.seat);
  const total = Number(flight.price_amount) * seats.length;
  const totalAmount = { amount: total, currency: flight.currency };
  // The booking, its seats, its passengers and its event in one statement: one round trip while
  // the seat locks are held, which is what bounds throughput on a busy flight.
  const [booking] = await tx.execute<{ id: string; hold_expires_at: string; created_at: string; held: string }>(sql`
    with booking as (
      insert into bookings (user_id, flight_id, total_amount, currency, hold_expires_at)
      -- A hold ends at departure at the latest: nobody pays for a flight that has left.
      values (${userId}, ${flight.id}, ${total}, ${flight.currency}, least(now() + make_interval(mins => ${holdMinutes}), ${flight.departure_time}::timestamptz))
      returning id, hold_expires_at, created_at
    ), held as (
      update seats set booking_id = booking.id, held_until = booking.hold_expires_at
      from booking
      where seats.flight_id = ${flight.id} and (seats.row, seats.letter) in (${seatList(seats)})
      returning 1
    ), named as (
      insert into booking_passengers (booking_id, position, name, row, letter)
      select booking.id, p.position, p.name, p.row, p.letter
      from booking, jsonb_to_recordset(${JSON.stringify(
        seats.map((s, i) => ({ position: i, name: request.passengers[i]!.name, row: s.row, letter: s.letter })),
      )}::jsonb) as p(position smallint, name text, row smallint, letter char(1))
      returning 1
    ), event as (${heldEventInsert(sql`booking`, {
      flight: flight.event_flight,
      user: flight.event_user,
      seats: seatLabels,
      passengers,
      totalAmount,
    })})
    select id, hold_expires_at, created_at, (select count(*) from held) as held from booking`);
  // Every seat was locked above, so all must be updated; anything else is a bug, not contention.
  if (Number(booking!.held) !== seats.length) throw new Error(`hold updated ${booking!.held} of ${seats.length} seats`);
  return {
    id: booking!.id,
    status: "held",
    flightId: flight.id,
    seats: seatLabels,
    passengers,
    totalAmount,
    holdExpiresAt: new Date(booking!.hold_expires_at).toISOString(),
    createdAt: new Date(booking!.created_at).toISOString(),
    paymentId: null,
    changes: [],
  };
}

async function lockChosenSeats(tx: Transaction, request: HoldRequest, chosen: Seat[]) {
  const ordered = [...chosen].sort((a, b) => a.row - b.row || a.letter.localeCompare(b.letter));
  const rows = await tx.execute<{ row: number; letter: string; free: boolean }>(sql`
    select row, letter, ${seatIsFree} as free from seats
    where flight_id = ${request.flightId} and (row, letter) in (${seatList(ordered)})
    order by row, letter
    for update`);
  const found = new Map(rows.map((r) => [label({ row: r.row, letter: r.letter }), r.free]));
  const unknown = request.passengers
    .map((p, i) => ({ seat: p.seat, i }))
    .filter((p) => p.seat && !found.has(p.seat));
  if (unknown.length > 0) {
    throw validationFailed(unknown.map((p) => ({ path: `passengers.${p.i}.seat`, message: `${p.seat} is not a seat on this flight` })));
  }
  const taken = chosen.map(label).filter((s) => found.get(s) === false);
  if (taken.length > 0) {
    throw new AppError("SEATS_UNAVAILABLE", `Seat${taken.length > 1 ? "s" : ""} ${taken.join(", ")} ${taken.length > 1 ? "are" : "is"} taken.`, {
      details: { seats: taken },
    });
  }
}

/** Free seats for passengers without a choice, side by side when one row has room for the group. */
async function assignSeats(tx: Transaction, flightId: string, count: number, exclude: Seat[]): Promise<Seat[]> {
  if (count === 0) return [];
  const notChosen = exclude.length ? sql`and (row, letter) not in (${seatList(exclude)})` : sql``;
  if (count > 1) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const free = await tx.execute<Seat>(sql`
        select row, letter from seats where flight_id = ${flightId} and ${seatIsFree} ${notChosen} order by row, letter`);
      const block = sideBySide(free, count);
      if (!block) break;
      const locked = await tx.execute<Seat>(sql`
        select row, letter from seats
        where flight_id = ${flightId} and (row, letter) in (${seatList(block)}) and ${seatIsFree}
        for update skip locked`);
      if (locked.length === count) return block;
    }
  }
  const seats = await tx.execute<Seat>(sql`
    select row, letter from seats
    where flight_id = ${flightId} and ${seatIsFree} ${notChosen}
    order by row, letter
    limit ${count}
    for update skip locked`);
  if (seats.length < count) {
    throw new AppError("SEATS_UNAVAILABLE", `Not enough free seats: ${count} requested.`, { details: { requested: count } });
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
