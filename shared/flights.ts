import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { seatsTaken } from "../db/availability";
import type { Queryable } from "../db/client";
import { airports, type CabinClass, flights } from "../db/schema";
import type { CabinLayout } from "../db/schema/catalog";
import { notFound, validationFailed } from "./errors";
import type { Fares } from "./schemas";
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
  currency: flights.currency,
  capacity: flights.capacity,
  boardingGate: flights.boardingGate,
  status: flights.status,
  originZone: origin.timeZone,
  destinationZone: destination.timeZone,
  /** The cabins on sale, front to back, each with its fare, capacity and seats free now. */
  cabins: sql<CabinOnSale[]>`coalesce((
    select jsonb_agg(jsonb_build_object('cabin', fc.cabin, 'amount', fc.price_amount, 'capacity', fc.capacity,
      'available', fc.capacity - ${seatsTaken(sql`fc.flight_id`, sql`fc.cabin`)}) order by fc.cabin)
    from flight_cabins fc where fc.flight_id = ${flights.id}), '[]'::jsonb)`,
};

export interface CabinOnSale {
  cabin: CabinClass;
  amount: number;
  capacity: number;
  available: number;
}

/** flights joined to both airports, ready for `.where()`. */
export const selectFlights = (db: Queryable) =>
  db
    .select(flightColumns)
    .from(flights)
    .innerJoin(origin, eq(origin.code, flights.origin))
    .innerJoin(destination, eq(destination.code, flights.destination));

export type FlightRow = Awaited<ReturnType<ReturnType<typeof selectFlights>["execute"]>>[number];

/**
 * A flight as the API shows it. `price`, `seatsAvailable` and `cabin` are those of `cabin` when
 * one is asked for (search); otherwise of economy, or of the cheapest cabin on sale, with
 * `seatsAvailable` counting every cabin. `prices` and `cabins` list every cabin on sale.
 */
export function flightView(row: FlightRow, cabin?: CabinClass) {
  const money = (amount: number) => ({ amount: Number(amount), currency: row.currency });
  const cheapest = [...row.cabins].sort((a, b) => a.amount - b.amount)[0];
  const shown = cabin ? row.cabins.find((c) => c.cabin === cabin) : (row.cabins.find((c) => c.cabin === "economy") ?? cheapest);
  return {
    id: row.id,
    flightNumber: row.flightNumber,
    airplaneId: row.airplaneId,
    from: row.from,
    to: row.to,
    departureTime: toZonedIso(row.departureTime, row.originZone),
    arrivalTime: toZonedIso(row.arrivalTime, row.destinationZone),
    durationMinutes: row.durationMinutes,
    cabin: shown?.cabin ?? null,
    price: money(shown?.amount ?? 0),
    seatsAvailable: cabin ? (shown?.available ?? 0) : row.cabins.reduce((n, c) => n + c.available, 0),
    prices: Object.fromEntries(row.cabins.map((c) => [c.cabin, money(c.amount)])) as Partial<Record<CabinClass, { amount: number; currency: string }>>,
    cabins: row.cabins.map((c) => ({ cabin: c.cabin, price: money(c.amount), seatsAvailable: c.available, capacity: c.capacity })),
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

/** Several flights by id; `cabin`: shown as a search in that cabin shows them. */
export async function findFlights(db: Queryable, ids: string[], cabin?: CabinClass): Promise<Map<string, FlightView>> {
  if (ids.length === 0) return new Map();
  const rows = await selectFlights(db).where(inArray(flights.id, ids));
  return new Map(rows.map((r) => [r.id, flightView(r, cabin)]));
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

/**
 * Puts a flight's cabins on sale at these fares (or changes their fares), each with its capacity
 * from the airplane's layout. A cabin the airplane does not have is a VALIDATION_FAILED.
 */
export async function saveFares(tx: Queryable, flightId: string, fares: Fares, layout: CabinLayout[]): Promise<void> {
  const rows = Object.entries(fares).map(([cabin, fare]) => {
    const inPlane = layout.find((c) => c.cabin === cabin);
    if (!inPlane) throw validationFailed([{ path: `prices.${cabin}`, message: `the airplane has no ${cabin} cabin` }]);
    return sql`(${flightId}::uuid, ${cabin}::cabin_class, ${fare!.amount}::bigint, ${inPlane.rows * inPlane.seatsPerRow}::int)`;
  });
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into flight_cabins (flight_id, cabin, price_amount, capacity) values ${sql.join(rows, sql`, `)}
    on conflict (flight_id, cabin) do update set price_amount = excluded.price_amount`);
}

/**
 * The connection rules of itineraries and of bookings of several flights: the next flight leaves
 * from where the last one landed, at least this long after it lands. Itineraries offer connections
 * up to the upper bound; a booking may also wait longer (a stopover, a return trip).
 */
export const MIN_CONNECTION_MINUTES = 45;
export const MAX_CONNECTION_MINUTES = 12 * 60;
