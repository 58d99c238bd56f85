import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { seatsAvailable } from "../db/availability";
import type { Queryable } from "../db/client";
import { airports, flights } from "../db/schema";
import { notFound } from "./errors";
import { toZonedIso } from "./time";

/**
 * The flight as the API shows it (the `Flight` schema in shared/schemas.ts), read by the search
 * worker and by the booking worker, which answers airline changes with the changed flight.
 */

const origin = alias(airports, "origin_airport");
const destination = alias(airports, "destination_airport");

/** The columns every flight answer is built from. */
export const flightColumns = {
  id: flights.id,
  flightNumber: flights.flightNumber,
  airplaneId: flights.airplaneId,
  from: flights.origin,
  to: flights.destination,
  departureTime: flights.departureTime,
  arrivalTime: flights.arrivalTime,
  durationMinutes: flights.durationMinutes,
  priceAmount: flights.priceAmount,
  currency: flights.currency,
  capacity: flights.capacity,
  boardingGate: flights.boardingGate,
  status: flights.status,
  originZone: origin.timeZone,
  destinationZone: destination.timeZone,
  seatsAvailable: seatsAvailable(flights.id, flights.capacity),
};

/** flights joined to both airports, ready for `.where()`. */
export const selectFlights = (db: Queryable) =>
  db
    .select(flightColumns)
    .from(flights)
    .innerJoin(origin, eq(origin.code, flights.origin))
    .innerJoin(destination, eq(destination.code, flights.destination));

export type FlightRow = Awaited<ReturnType<ReturnType<typeof selectFlights>["execute"]>>[number];

export function flightView(row: FlightRow) {
  return {
    id: row.id,
    flightNumber: row.flightNumber,
    airplaneId: row.airplaneId,
    from: row.from,
    to: row.to,
    departureTime: toZonedIso(row.departureTime, row.originZone),
    arrivalTime: toZonedIso(row.arrivalTime, row.destinationZone),
    durationMinutes: row.durationMinutes,
    price: { amount: row.priceAmount, currency: row.currency },
    seatsAvailable: row.seatsAvailable,
    capacity: row.capacity,
    boardingGate: row.boardingGate,
    status: row.status,
  };
}

export type FlightView = ReturnType<typeof flightView>;

export async function findFlight(db: Queryable, id: string): Promise<FlightView> {
  const [row] = await selectFlights(db).where(eq(flights.id, id));
  if (!row) throw notFound("Flight");
  return flightView(row);
}

export async function findFlights(db: Queryable, ids: string[]): Promise<Map<string, FlightView>> {
  if (ids.length === 0) return new Map();
  const rows = await selectFlights(db).where(inArray(flights.id, ids));
  return new Map(rows.map((r) => [r.id, flightView(r)]));
}

/**
 * The columns that follow from a flight's departure and arrival: the instants, the origin-local day
 * and minute of departure (what search filters on, computed by PostgreSQL from the airport's zone:
 * the statement must select `from airports as origin_airport`) and the duration.
 */
function scheduleFields(departure: string, arrival: string): [string, SQL][] {
  const local = sql`${departure}::timestamptz at time zone ${origin.timeZone}`;
  return [
    ["departure_time", sql`${departure}::timestamptz`],
    ["arrival_time", sql`${arrival}::timestamptz`],
    ["departure_local_date", sql`(${local})::date`],
    ["departure_local_minute", sql`(extract(hour from ${local}) * 60 + extract(minute from ${local}))::smallint`],
    ["duration_minutes", sql`${Math.round((Date.parse(arrival) - Date.parse(departure)) / 60_000)}`],
  ];
}

/** For an INSERT: the schedule's column names, and their values in the same order. */
export const scheduleColumns = sql.raw(scheduleFields("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z").map(([c]) => c).join(", "));
export const scheduleValues = (departure: string, arrival: string) => sql.join(scheduleFields(departure, arrival).map(([, value]) => value), sql`, `);

/** For an UPDATE: `column = value, …`. */
export const scheduleAssignments = (departure: string, arrival: string) =>
  sql.join(scheduleFields(departure, arrival).map(([column, value]) => sql`${sql.raw(column)} = ${value}`), sql`, `);
