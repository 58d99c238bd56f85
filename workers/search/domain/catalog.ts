import { eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { isUniqueViolation, pgErrorCode } from "../../../db/errors";
import { airplanes, airports, cabinClass, cities } from "../../../db/schema";
import { AppError, notFound } from "../../../shared/errors";
import { keyset, type PageRequest } from "../../../shared/pagination";
import type { AirplaneInput, AirportInput, CityInput } from "../schemas";

export async function addCity(db: Database, input: CityInput) {
  try {
    const [city] = await db.insert(cities).values(input).returning({ id: cities.id, name: cities.name, country: cities.country });
    return city!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("ALREADY_EXISTS", `${input.name}, ${input.country} already exists.`);
    throw err;
  }
}

// Catalog lists are small and ordered by their unique key alone.

export async function listCities(db: Database, { limit, cursor }: PageRequest) {
  const page = keyset([{ name: "id", sql: sql`${cities.id}`, type: "uuid", value: (c: { id: string }) => c.id }], cursor);
  const rows = await db
    .select({ id: cities.id, name: cities.name, country: cities.country })
    .from(cities)
    .where(page.after)
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return page.page(rows, limit, (c) => c);
}

const airportView = {
  code: airports.code,
  name: airports.name,
  cityId: airports.cityId,
  city: cities.name,
  country: cities.country,
  timeZone: airports.timeZone,
};

export async function addAirport(db: Database, input: AirportInput) {
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

export async function listAirports(db: Database, { limit, cursor }: PageRequest) {
  const page = keyset([{ name: "code", sql: sql`${airports.code}`, type: "text", value: (a: { code: string }) => a.code }], cursor);
  const rows = await db
    .select(airportView)
    .from(airports)
    .innerJoin(cities, eq(cities.id, airports.cityId))
    .where(page.after)
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return page.page(rows, limit, (a) => a);
}

const airplaneView = { id: airplanes.id, model: airplanes.model, capacity: airplanes.capacity, cabins: airplanes.cabins };

export async function addAirplane(db: Database, input: AirplaneInput) {
  // Front to back (the enum's order), whatever order the caller listed the cabins in.
  const order = cabinClass.enumValues;
  const cabins = [...input.cabins].sort((a, b) => order.indexOf(a.cabin) - order.indexOf(b.cabin));
  const capacity = cabins.reduce((n, c) => n + c.rows * c.seatsPerRow, 0);
  const [plane] = await db.insert(airplanes).values({ model: input.model, cabins, capacity }).returning(airplaneView);
  return plane!;
}

export async function listAirplanes(db: Database, { limit, cursor }: PageRequest) {
  const page = keyset([{ name: "id", sql: sql`${airplanes.id}`, type: "uuid", value: (a: { id: string }) => a.id }], cursor);
  const rows = await db.select(airplaneView).from(airplanes).where(page.after).orderBy(...page.orderBy).limit(limit + 1);
  return page.page(rows, limit, (a) => a);
}
