import { eq, inArray, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../../db/client";
import { airplanes, airports, flights } from "../../../db/schema";
import { type CabinLayout, SEAT_LETTERS } from "../../../db/schema/catalog";
import { AppError, notFound } from "../../../shared/errors";
import { findFlight, type FlightView, saveFares, scheduleColumns, scheduleValues } from "../../../shared/flights";
import { faresOf } from "../../../shared/schemas";
import type { FlightInput } from "../schemas";

/** Schedules a flight and creates its seats from the airplane's cabin layout, in one transaction. */
export async function scheduleFlight(db: Database, input: FlightInput): Promise<FlightView> {
  return db.transaction(async (tx) => {
    const [plane] = await tx.select().from(airplanes).where(eq(airplanes.id, input.airplaneId));
    if (!plane) throw notFound("Airplane");
    const known = await tx.select({ code: airports.code }).from(airports).where(inArray(airports.code, [input.from, input.to]));
    for (const code of [input.from, input.to]) {
      if (!known.some((a) => a.code === code)) throw notFound(`Airport ${code}`);
    }
    const fares = faresOf(input)!;
    const [created] = await tx.execute<{ id: string }>(sql`
      insert into flights (flight_number, airplane_id, origin, destination, ${scheduleColumns}, currency, boarding_gate, capacity)
      select ${input.flightNumber}, ${plane.id}, ${input.from}, ${input.to}, ${scheduleValues(input.departureTime, input.arrivalTime)},
        ${Object.values(fares)[0]!.currency}, ${input.boardingGate ?? null}, ${plane.capacity}
      from airports as origin_airport where origin_airport.code = ${input.from}
      returning id`);
    const flightId = created!.id;
    await createSeats(tx, flightId, plane.cabins);
    await saveFares(tx, flightId, fares, plane.cabins);
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

/**
 * Deletes a flight that has never been booked. One with bookings, even cancelled or expired ones
 * (kept for the record, with their payments and refunds), is cancelled instead (status).
 */
export async function deleteFlight(db: Database, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [current] = await tx.select({ id: flights.id }).from(flights).where(eq(flights.id, id)).for("update");
    if (!current) throw notFound("Flight");
    const [booked] = await tx.execute<{ any: boolean }>(sql`
      select exists (select 1 from booking_flights where flight_id = ${id})
        or exists (select 1 from seats where flight_id = ${id} and booking_id is not null) as any`);
    if (booked?.any) {
      throw new AppError("INVALID_STATE", "This flight has bookings (cancelled ones are kept for the record); set its status to cancelled instead of deleting it.");
    }
    await tx.delete(flights).where(eq(flights.id, id));
  });
}
