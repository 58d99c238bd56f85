import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** Seats of a flight (of one cabin, when given) taken at this moment: sold, or held by a live hold. */
export function seatsTaken(flightId: AnyPgColumn | SQL, cabin?: SQL): SQL<number> {
  return sql<number>`(select count(*)::int from seats s
    where s.flight_id = ${flightId} ${cabin ? sql`and s.cabin = ${cabin}` : sql``} and s.booking_id is not null
      and (s.held_until is null or s.held_until > now()))`;
}

/**
 * Seats a flight (or one of its cabins) can still sell, at this moment: capacity minus seats held
 * by a live hold or sold. A hold past `held_until` counts as free even before the cleanup job
 * clears it, so search, the seat map and booking agree at every instant. Reads only the partial
 * index of taken seats (flight, cabin).
 */
export function seatsAvailable(flightId: AnyPgColumn | SQL, capacity: AnyPgColumn | SQL, cabin?: SQL): SQL<number> {
  return sql<number>`(${capacity} - ${seatsTaken(flightId, cabin)})`;
}

/** The seat-level rule behind seatsAvailable: whether one seat row can be sold now. */
// Never NULL (a sold seat has held_until NULL), so it is safe in a select list as well as a filter.
export const seatIsFree = sql<boolean>`(booking_id is null or (held_until is not null and held_until <= now()))`;
