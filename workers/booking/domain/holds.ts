import { sql } from "drizzle-orm";
import { seatIsFree } from "../../../db/availability";
import type { Transaction } from "../../../db/client";
import { recordBookingEvents } from "../../../db/outbox";
import { AppError, notFound, validationFailed } from "../../../shared/errors";
import { type BookingView, findBooking } from "./bookings";

export type Seat = {
  row: number;
  letter: string;
};

export interface HoldRequest {
  flightId: string;
  passengers: { name: string; seat?: string }[];
}

const LETTERS = "ABCDEFGHJK";
export const SEAT_LABEL = /^([1-9]\d?)([A-HJK])$/;

export const parseSeat = (label: string): Seat => {
  const [, row, letter] = SEAT_LABEL.exec(label)!;
  return { row: Number(row), letter: letter! };
};
const label = (s: Seat) => `${s.row}${s.letter}`;
const seatList = (seats: Seat[]) => sql.join(seats.map((s) => sql`(${s.row}::smallint, ${s.letter}::char(1))`), sql`, `);

/**
 * Holds seats on a flight for `holdMinutes`. Chosen seats are all-or-nothing: exactly those rows
 * are locked (in seat order, so two groups cannot deadlock) and any taken one fails the request
 * with SEATS_UNAVAILABLE naming it. Other passengers get free seats locked with SKIP LOCKED, so
 * concurrent buyers of one flight take different seats instead of queueing on the same rows; a
 * group gets seats side by side when a row has room. The flight row itself is never locked.
 */
export async function holdSeats(tx: Transaction, userId: string, request: HoldRequest, holdMinutes: number): Promise<BookingView> {
  const [flight] = await tx.execute<{ id: string; price_amount: string; currency: string; for_sale: boolean }>(sql`
    select id, price_amount, currency, status <> 'cancelled' and departure_time > now() as for_sale
    from flights where id = ${request.flightId}`);
  if (!flight) throw notFound("Flight");
  if (!flight.for_sale) throw new AppError("INVALID_STATE", "This flight is cancelled or has departed; it cannot be booked.");

  const chosen = request.passengers.flatMap((p) => (p.seat ? [parseSeat(p.seat)] : []));
  if (chosen.length > 0) await lockChosenSeats(tx, request, chosen);
  const assigned = await assignSeats(tx, request.flightId, request.passengers.length - chosen.length, chosen);

  let next = 0;
  const seats = request.passengers.map((p) => (p.seat ? parseSeat(p.seat) : assigned[next++]!));
  const [booking] = await tx.execute<{ id: string }>(sql`
    insert into bookings (user_id, flight_id, total_amount, currency, hold_expires_at)
    values (${userId}, ${flight.id}, ${Number(flight.price_amount) * seats.length}, ${flight.currency},
            now() + make_interval(mins => ${holdMinutes}))
    returning id`);
  const bookingId = booking!.id;
  await tx.execute(sql`
    update seats set booking_id = ${bookingId},
      held_until = (select hold_expires_at from bookings where id = ${bookingId})
    where flight_id = ${flight.id} and (row, letter) in (${seatList(seats)})`);
  await tx.execute(sql`
    insert into booking_passengers (booking_id, position, name, row, letter)
    select ${bookingId}, p.position, p.name, p.row, p.letter
    from jsonb_to_recordset(${JSON.stringify(
      request.passengers.map((p, i) => ({ position: i, name: p.name, row: seats[i]!.row, letter: seats[i]!.letter })),
    )}::jsonb) as p(position smallint, name text, row smallint, letter char(1))`);
  await recordBookingEvents(tx, "held", [bookingId]);
  return findBooking(tx, { userId, roles: [] }, bookingId);
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
    const adjacent = prev && prev.row === seat.row && LETTERS.indexOf(seat.letter) === LETTERS.indexOf(prev.letter) + 1;
    run = adjacent ? [...run, seat] : [seat];
    if (run.length === count) return run;
  }
  return undefined;
}
