// Demo catalog: cities, airports, airplanes, then a timetable of flights with one row per seat.
// Flights and seats are generated inside PostgreSQL, a batch of flights per statement, so even a
// million flights (and their ~190 million seats) is a few dozen round trips.
import type postgres from "postgres";
import { capacityOf, seedAirplanes } from "./airplanes";
import { seedAirports } from "./airports";
import { checkSeatMaps, insertFlights, slotColumns } from "./flights";
import { buildRoutes, buildSlots, type Slot } from "./network";

export interface SeedOptions {
  /** Consecutive days of schedule from `startDate`. */
  days: number;
  /**
   * Exactly this many flights: up to 4× the departures a day when `days` of the normal timetable
   * fall short, then as many days as that takes (fewer than `days` when they are more than enough).
   */
  flights?: number;
  /** First local departure day, YYYY-MM-DD (default: today in UTC). */
  startDate?: string;
  /** Empty the catalog tables first (TRUNCATE … CASCADE: bookings of those flights go too). */
  reset?: boolean;
  /** Flights per INSERT statement (default: up to 50,000, smaller for small schedules). */
  batchSize?: number;
  /**
   * Batches in flight at once (default 2), each on its own connection of `sql`'s pool. On two
   * cores, 2 loads a million flights about 1.4× faster than 1, but leaves the seats primary key
   * about a third bigger: only the batch highest in id order appends at the index's right edge.
   */
  concurrency?: number;
  log?: (line: string) => void;
}

/** Rows this run added (a repeated run adds none). */
export interface SeedCounts {
  cities: number;
  airports: number;
  airplanes: number;
  flights: number;
  seats: number;
}

/** Above this many departures a route a day, a bigger target gets more days instead. */
const MAX_SCALE = 4;
const SEED_LOCK = 7_415_002;

/**
 * Adds the demo catalog to the database behind `sql`, a pool of at least two connections (one
 * holds the seed lock while the others insert). Safe to repeat: what is there already is kept.
 */
export async function seedCatalog(sql: postgres.Sql, options: SeedOptions): Promise<SeedCounts> {
  const log = options.log ?? (() => {});
  const plan = planSchedule(options);
  if (sql.options.max < 2) throw new Error("seed: the connection pool needs at least 2 connections");
  const lock = await sql.reserve();
  try {
    // One seed at a time: the "already there?" checks below are not safe against a concurrent run.
    await lock`select pg_advisory_lock(${SEED_LOCK})`;
    if (options.reset) {
      await lock`truncate seats, flights, airplanes, airports, cities cascade`;
      log("emptied cities, airports, airplanes, flights and seats");
    }
    const cities = await insertCities(lock);
    const airports = await insertAirports(lock);
    const { inserted: airplanes, idByModel } = await insertAirplanes(lock);
    log(`catalog: ${cities} cities, ${airports} airports, ${airplanes} airplanes added`);

    const [{ any }] = (await lock`select exists (select 1 from flights) as any`) as unknown as [{ any: boolean }];
    const schedule = { ...plan, slots: slotColumns(plan.slots, idByModel), dedupe: any };
    await checkSeatMaps(lock, [...new Set(schedule.slots.airplaneIds)]);
    log(
      `schedule: ${plan.slots.length} departures a day for ${plan.days} days from ${plan.startDate}` +
        ` (${plan.total.toLocaleString("en")} flights${any ? ", skipping those already there" : ""})`,
    );
    const { flights, seats } = await insertFlights(sql, schedule, options, log);

    await lock`analyze cities, airports, airplanes, flights, flight_cabins, seats`;
    return { cities, airports, airplanes, flights, seats };
  } finally {
    await lock`select pg_advisory_unlock(${SEED_LOCK})`.catch(() => {});
    lock.release();
  }
}

interface SchedulePlan {
  startDate: string;
  days: number;
  slots: Slot[];
  /** Flights to generate: `slots.length × days`, or exactly `options.flights`. */
  total: number;
}

/** How many departures a day (scale) and how many days make the requested size. */
export function planSchedule(options: SeedOptions): SchedulePlan {
  const startDate = options.startDate ?? new Date().toISOString().slice(0, 10);
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(startDate) ? new Date(`${startDate}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== startDate)
    throw new Error(`seed: startDate must be a date YYYY-MM-DD, got ${startDate}`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error("seed: days must be a positive integer");
  if (options.flights !== undefined && (!Number.isInteger(options.flights) || options.flights < 1))
    throw new Error("seed: flights must be a positive integer");

  const routes = buildRoutes();
  if (options.flights === undefined) {
    const slots = buildSlots(routes);
    return { startDate, days: options.days, slots, total: slots.length * options.days };
  }
  const daily = buildSlots(routes).length;
  const scale = Math.min(MAX_SCALE, Math.max(1, Math.ceil(options.flights / (daily * options.days))));
  const slots = buildSlots(routes, scale);
  return { startDate, days: Math.ceil(options.flights / slots.length), slots, total: options.flights };
}

async function insertCities(sql: postgres.Sql): Promise<number> {
  const byKey = new Map(seedAirports.map((a) => [`${a.city.toLowerCase()}|${a.country.toLowerCase()}`, a]));
  const rows = [...byKey.values()];
  const result = await sql`
    insert into cities (name, country)
    select * from unnest(${rows.map((a) => a.city)}::text[], ${rows.map((a) => a.country)}::text[])
    on conflict (lower(name), lower(country)) do nothing`;
  return result.count;
}

async function insertAirports(sql: postgres.Sql): Promise<number> {
  const a = seedAirports;
  const result = await sql`
    insert into airports (code, name, city_id, time_zone)
    select s.code, s.name, c.id, s.time_zone
    from unnest(${a.map((x) => x.code)}::text[], ${a.map((x) => x.name)}::text[], ${a.map((x) => x.city)}::text[],
                ${a.map((x) => x.country)}::text[], ${a.map((x) => x.timeZone)}::text[])
           as s(code, name, city, country, time_zone)
    join cities c on lower(c.name) = lower(s.city) and lower(c.country) = lower(s.country)
    on conflict (code) do nothing`;
  return result.count;
}

/** Airplanes have no natural key: an existing airplane of the same model is reused. */
async function insertAirplanes(sql: postgres.Sql): Promise<{ inserted: number; idByModel: Map<string, string> }> {
  const existing = await sql<{ id: string; model: string }[]>`
    select distinct on (model) id, model from airplanes
    where model = any(${seedAirplanes.map((a) => a.model)}::text[]) order by model, created_at, id`;
  const idByModel = new Map(existing.map((r) => [r.model, r.id]));
  const missing = seedAirplanes.filter((a) => !idByModel.has(a.model));
  for (const airplane of missing) {
    const [row] = await sql<{ id: string }[]>`
      insert into airplanes (model, cabins, capacity)
      values (${airplane.model}, ${sql.json(airplane.cabins as unknown as postgres.JSONValue)}, ${capacityOf(airplane.cabins)})
      returning id`;
    idByModel.set(airplane.model, row!.id);
  }
  return { inserted: missing.length, idByModel };
}
