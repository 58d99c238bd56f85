import { asc, eq, sql } from "drizzle-orm";
import { seatIsFree } from "../../../db/availability";
import type { Queryable } from "../../../db/client";
import { flightCabins, flights, seats } from "../../../db/schema";
import type { CabinClass } from "../../../db/schema/catalog";
import { notFound } from "../../../shared/errors";

/** The seat map: cabins front to back with their fares, rows in order, each seat with whether it can be sold now. */
export async function seatMap(db: Queryable, flightId: string) {
  const [flight] = await db.select({ id: flights.id, currency: flights.currency }).from(flights).where(eq(flights.id, flightId));
  if (!flight) throw notFound("Flight");
  const fares = new Map(
    (await db.select({ cabin: flightCabins.cabin, amount: flightCabins.priceAmount }).from(flightCabins).where(eq(flightCabins.flightId, flightId))).map(
      (f) => [f.cabin, { amount: Number(f.amount), currency: flight.currency }],
    ),
  );
  const rows = await db
    .select({ row: seats.row, letter: seats.letter, cabin: seats.cabin, available: sql<boolean>`${seatIsFree}` })
    .from(seats)
    .where(eq(seats.flightId, flightId))
    .orderBy(asc(seats.row), asc(seats.letter));

  const cabins: {
    cabin: CabinClass;
    price: { amount: number; currency: string } | null;
    rows: { row: number; seats: { seat: string; available: boolean }[] }[];
  }[] = [];
  for (const seat of rows) {
    let cabin = cabins[cabins.length - 1];
    if (cabin?.cabin !== seat.cabin) {
      // A cabin not on sale shows its seats, none of them available.
      cabin = { cabin: seat.cabin, price: fares.get(seat.cabin) ?? null, rows: [] };
      cabins.push(cabin);
    }
    let row = cabin.rows[cabin.rows.length - 1];
    if (row?.row !== seat.row) {
      row = { row: seat.row, seats: [] };
      cabin.rows.push(row);
    }
    row.seats.push({ seat: `${seat.row}${seat.letter}`, available: seat.available && cabin.price !== null });
  }
  return { flightId, cabins };
}
