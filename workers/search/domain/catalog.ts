import { asc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { isUniqueViolation, pgErrorCode } from "../../../db/errors";
import { airplanes, airports, cities } from "../../../db/schema";
import type { CabinLayout } from "../../../db/schema/catalog";
import { AppError, notFound, validationFailed } from "../../../shared/errors";

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Catalog lists are small and ordered by a unique key: the cursor is simply the last key. */
function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? btoa(keyOf(items[items.length - 1]!)) : null };
}

function afterKey(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    return atob(cursor);
  } catch {
    throw validationFailed([{ path: "query.cursor", message: "is not a cursor of this list" }]);
  }
}

export async function addCity(db: Database, input: { name: string; country: string }) {
  try {
    const [city] = await db.insert(cities).values(input).returning({ id: cities.id, name: cities.name, country: cities.country });
    return city!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("ALREADY_EXISTS", `${input.name}, ${input.country} already exists.`);
    throw err;
  }
}

export async function listCities(db: Database, limit: number, cursor?: string) {
  const after = afterKey(cursor);
  const rows = await db
    .select({ id: cities.id, name: cities.name, country: cities.country })
    .from(cities)
    .where(after ? gt(cities.id, after) : undefined)
    .orderBy(asc(cities.id))
    .limit(limit + 1);
  return pageOf(rows, limit, (c) => c.id);
}

const airportView = {
  code: airports.code,
  name: airports.name,
  cityId: airports.cityId,
  city: cities.name,
  country: cities.country,
  timeZone: airports.timeZone,
};

export async function addAirport(db: Database, input: { code: string; name: string; cityId: string; timeZone: string }) {
  try {
    await db.insert(airports).values(input);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("ALREADY_EXISTS", `Airport ${input.code} already exists.`);
    if (pgErrorCode(err) === "23503") throw notFound("City");
    throw err;
  }
  const [airport] = await db.select(airportView).from(airports).innerJoin(cities, eq(cities.id, airports.cityId)).where(eq(airports.code, input.code));
  return airport!;
}

export async function listAirports(db: Database, limit: number, cursor?: string) {
  const after = afterKey(cursor);
  const rows = await db
    .select(airportView)
    .from(airports)
    .innerJoin(cities, eq(cities.id, airports.cityId))
    .where(after ? gt(airports.code, after) : undefined)
    .orderBy(asc(airports.code))
    .limit(limit + 1);
  return pageOf(rows, limit, (a) => a.code);
}

export async function addAirplane(db: Database, input: { model: string; cabins: CabinLayout[] }) {
  // Front to back, whatever order the caller listed the cabins in.
  const order = { first: 0, business: 1, economy: 2 } as const;
  const cabins = [...input.cabins].sort((a, b) => order[a.cabin] - order[b.cabin]);
  const capacity = cabins.reduce((n, c) => n + c.rows * c.seatsPerRow, 0);
  const [plane] = await db
    .insert(airplanes)
    .values({ model: input.model, cabins, capacity })
    .returning({ id: airplanes.id, model: airplanes.model, capacity: airplanes.capacity, cabins: airplanes.cabins });
  return plane!;
}

export async function listAirplanes(db: Database, limit: number, cursor?: string) {
  const after = afterKey(cursor);
  const rows = await db
    .select({ id: airplanes.id, model: airplanes.model, capacity: airplanes.capacity, cabins: airplanes.cabins })
    .from(airplanes)
    .where(after ? sql`${airplanes.id} > ${after}` : undefined)
    .orderBy(asc(airplanes.id))
    .limit(limit + 1);
  return pageOf(rows, limit, (a) => a.id);
}
