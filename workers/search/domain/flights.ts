import { eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { seatsAvailable } from "../../../db/availability";
import type { Database, Queryable } from "../../../db/client";
import { airplanes, airports, flights } from "../../../db/schema";
import { type CabinLayout, SEAT_LETTERS } from "../../../db/schema/catalog";
import { AppError, notFound, validationFailed } from "../../../shared/errors";
import { toZonedIso } from "../../../shared/time";
import { type FlightChangeInput, type FlightInput, scheduleProblem } from "../schemas";

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

const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

/** Origin-local day and minute of a departure, computed by PostgreSQL from the airport's zone
 * (the statements using these select `from airports as origin_airport`). */
const localDate = (departure: string) => sql`(${departure}::timestamptz at time zone ${origin.timeZone})::date`;
const localMinute = (departure: string) =>
  sql`(extract(hour from ${departure}::timestamptz at time zone ${origin.timeZone}) * 60
     + extract(minute from ${departure}::timestamptz at time zone ${origin.timeZone}))::smallint`;

/** Schedules a flight and creates its seats from the airplane's cabin layout, in one transaction. */
export async function scheduleFlight(db: Database, input: FlightInput): Promise<FlightView> {
  return db.transaction(async (tx) => {
    const [plane] = await tx.select().from(airplanes).where(eq(airplanes.id, input.airplaneId));
    if (!plane) throw notFound("Airplane");
    const known = await tx.select({ code: airports.code }).from(airports).where(inArray(airports.code, [input.from, input.to]));
    for (const code of [input.from, input.to]) {
      if (!known.some((a) => a.code === code)) throw notFound(`Airport ${code}`);
    }
    const [created] = await tx.execute<{ id: string }>(sql`
      insert into flights (flight_number, airplane_id, origin, destination, departure_time, arrival_time,
        departure_local_date, departure_local_minute, duration_minutes, price_amount, currency, boarding_gate, capacity)
      select ${input.flightNumber}, ${plane.id}, ${input.from}, ${input.to}, ${input.departureTime}::timestamptz,
        ${input.arrivalTime}::timestamptz, ${localDate(input.departureTime)}, ${localMinute(input.departureTime)},
        ${minutesBetween(input.departureTime, input.arrivalTime)}, ${input.price.amount}, ${input.price.currency},
        ${input.boardingGate ?? null}, ${plane.capacity}
      from airports as origin_airport where origin_airport.code = ${input.from}
      returning id`);
    const flightId = created!.id;
    await createSeats(tx, flightId, plane.cabins);
    return findFlight(tx, flightId);
  });
}

async function createSeats(db: Queryable, flightId: string, cabins: CabinLayout[]) {
  let firstRow = 1;
  for (const cabin of cabins) {
    const lastRow = firstRow + cabin.rows - 1;
    await db.execute(sql`
      insert into seats (flight_id, row, letter, cabin)
      select ${flightId}, r, substr(${SEAT_LETTERS}, l, 1), ${cabin.cabin}::cabin_class
      from generate_series(${firstRow}::int, ${lastRow}::int) r, generate_series(1, ${cabin.seatsPerRow}::int) l`);
    firstRow = lastRow + 1;
  }
}

/** Reschedules, reprices or changes the status of a flight. Its route and airplane are fixed. */
export async function changeFlight(db: Database, id: string, changes: FlightChangeInput): Promise<FlightView> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(flights).where(eq(flights.id, id)).for("update");
    if (!current) throw notFound("Flight");
    const departure = changes.departureTime ?? current.departureTime.toISOString();
    const arrival = changes.arrivalTime ?? current.arrivalTime.toISOString();
    const problem = scheduleProblem(departure, arrival);
    if (problem) throw validationFailed([{ path: "arrivalTime", message: problem }]);
    await tx.execute(sql`
      update flights set
        departure_time = ${departure}::timestamptz,
        arrival_time = ${arrival}::timestamptz,
        departure_local_date = ${localDate(departure)},
        departure_local_minute = ${localMinute(departure)},
        duration_minutes = ${minutesBetween(departure, arrival)},
        price_amount = ${changes.price?.amount ?? current.priceAmount},
        currency = ${changes.price?.currency ?? current.currency},
        boarding_gate = ${changes.boardingGate === undefined ? current.boardingGate : changes.boardingGate},
        status = ${changes.status ?? current.status},
        updated_at = now()
      from airports as origin_airport
      where flights.id = ${id} and origin_airport.code = flights.origin`);
    return findFlight(tx, id);
  });
}

/**
 * Deletes a flight that has never been booked. One with bookings, even cancelled or expired ones
 * (kept for the record, with their payments and refunds), is cancelled instead (status).
 */
export async function deleteFlight(db: Database, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [current] = await tx.select({ id: flights.id }).from(flights).where(eq(flights.id, id)).for("update");
    if (!current) throw notFound("Flight");
    const [booked] = await tx.execute<{ any: boolean }>(sql`
      select exists (select 1 from bookings where flight_id = ${id})
        or exists (select 1 from seats where flight_id = ${id} and booking_id is not null) as any`);
    if (booked?.any) {
      throw new AppError("INVALID_STATE", "This flight has bookings (cancelled ones are kept for the record); set its status to cancelled instead of deleting it.");
    }
    await tx.delete(flights).where(eq(flights.id, id));
  });
}
