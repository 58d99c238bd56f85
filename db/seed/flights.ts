// Flights and their seats, generated inside PostgreSQL from the daily timetable: one INSERT …
// SELECT per batch of flights, whose seats come from the same statement.
import type postgres from "postgres";
import { SEAT_LETTERS } from "../schema/catalog";
import type { Slot } from "./network";

/**
 * The seat map of an airplane, from its `cabins`: rows numbered from 1 front to back through the
 * cabins, seats lettered A, B, C… (no I) across a row. One row per airplane: parallel arrays.
 */
const seatMaps = (sql: postgres.Sql | postgres.TransactionSql, airplaneIds: string[]) => sql`
  select a.id as airplane_id, a.capacity,
         array_agg(m.row order by m.row, m.seat) as rows,
         array_agg(substr(${SEAT_LETTERS}, m.seat, 1)::char(1) order by m.row, m.seat) as letters,
         array_agg(m.cabin order by m.row, m.seat) as cabins
  from airplanes a
  cross join lateral (
    select (c.rows_before + r)::smallint as row, s as seat, c.cabin::cabin_class as cabin
    from (
      select e.cabin ->> 'cabin' as cabin, (e.cabin ->> 'rows')::int as rows, (e.cabin ->> 'seatsPerRow')::int as per_row,
             coalesce(sum((e.cabin ->> 'rows')::int) over (order by e.n rows between unbounded preceding and 1 preceding), 0) as rows_before
      from jsonb_array_elements(a.cabins) with ordinality as e(cabin, n)
    ) c
    cross join generate_series(1, c.rows) as r
    cross join generate_series(1, c.per_row) as s
  ) m
  where a.id = any(${airplaneIds}::uuid[])
  group by a.id, a.capacity`;

/** Seats per flight must equal the flight's capacity, so every airplane's layout must add up. */
export async function checkSeatMaps(sql: postgres.Sql, airplaneIds: string[]) {
  const maps = await sql<{ airplane_id: string; capacity: number; seats: number }[]>`
    select airplane_id, capacity, cardinality(rows) as seats from (${seatMaps(sql, airplaneIds)}) m`;
  for (const id of airplaneIds) {
    const map = maps.find((m) => m.airplane_id === id);
    if (!map || map.seats !== map.capacity)
      throw new Error(`seed: airplane ${id} has ${map?.seats ?? 0} seats in its cabins but capacity ${map?.capacity}`);
  }
}

export interface SlotColumns {
  origins: string[];
  destinations: string[];
  flightNumbers: string[];
  airplaneIds: string[];
  localMinutes: number[];
  durations: number[];
  basePrices: number[];
  currencies: string[];
}

export function slotColumns(slots: Slot[], idByModel: Map<string, string>): SlotColumns {
  return {
    origins: slots.map((s) => s.origin),
    destinations: slots.map((s) => s.destination),
    flightNumbers: slots.map((s) => s.flightNumber),
    airplaneIds: slots.map((s) => idByModel.get(s.model)!),
    localMinutes: slots.map((s) => s.localMinute),
    durations: slots.map((s) => s.durationMinutes),
    basePrices: slots.map((s) => s.basePrice),
    currencies: slots.map((s) => s.currency),
  };
}

export interface Schedule {
  /** First local departure day, YYYY-MM-DD. */
  startDate: string;
  /** Flights to add: schedule position 0 is the first slot on the first day, and so on. */
  total: number;
  slots: SlotColumns;
  /** The table had flights already: skip the ones this schedule would add twice. */
  dedupe: boolean;
}

/** Adds the schedule's flights and their seats, `concurrency` batches at a time. */
export async function insertFlights(
  sql: postgres.Sql,
  schedule: Schedule,
  options: { batchSize?: number; concurrency?: number },
  log: (line: string) => void,
): Promise<{ flights: number; seats: number }> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, sql.options.max - 1));
  const batchSize = options.batchSize ?? Math.min(50_000, Math.max(1000, Math.ceil(schedule.total / (concurrency * 4))));
  const skipForeignKeys = await canSkipForeignKeyChecks(sql);
  if (!skipForeignKeys) log("foreign-key checks stay on (session_replication_role needs a superuser): expect about twice the time");
  // Flight ids are UUIDv7-shaped with a timestamp that grows with the flight's place in the
  // schedule, so each batch's seats land at the right end of the seats primary key instead of
  // all over it: random ids make the index writes random once it outgrows memory.
  const idBase = Date.now();
  const started = performance.now();
  let next = 0;
  let generated = 0;
  let flights = 0;
  let seats = 0;
  let failed = false;
  const worker = async () => {
    while (next < schedule.total && !failed) {
      const lo = next;
      const hi = Math.min(schedule.total, lo + batchSize);
      next = hi;
      const [done] = await sql
        .begin((tx) => insertBatch(tx, schedule, { idBase, lo, hi, skipForeignKeys }))
        .catch((err: unknown) => {
          failed = true;
          throw err;
        });
      flights += done!.flights;
      seats += Number(done!.seats);
      generated += hi - lo;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      log(`${generated.toLocaleString("en")}/${schedule.total.toLocaleString("en")} flights done, ${seats.toLocaleString("en")} seats added (${seconds}s)`);
    }
  };
  // Let every worker finish its current batch before reporting the first failure.
  const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failure) throw failure.reason;
  return { flights, seats };
}

/**
 * The per-row foreign-key triggers on seats cost more than the inserts themselves. Every seat
 * refers to a flight inserted by the same statement, so a superuser seed turns them off
 * (`session_replication_role = replica`, per transaction) rather than checking 190 million rows.
 */
async function canSkipForeignKeyChecks(sql: postgres.Sql): Promise<boolean> {
  try {
    await sql.begin((tx) => tx`set local session_replication_role = replica`);
    return true;
  } catch {
    return false;
  }
}

interface Batch {
  /** Epoch milliseconds of flight 0's id. */
  idBase: number;
  lo: number;
  hi: number;
  skipForeignKeys: boolean;
}

/** Flights number `lo` to `hi - 1` of the schedule (day-major), and all their seats. */
async function insertBatch(tx: postgres.TransactionSql, s: Schedule, { idBase, lo, hi, skipForeignKeys }: Batch) {
  const c = s.slots;
  const daily = c.origins.length;
  // A crash loses at most the last batches of a seed, which a rerun adds again.
  await tx`set local synchronous_commit = off`;
  // The seat-map subquery's row estimates are wild (generate_series over jsonb values), which
  // would make PostgreSQL spend most of a small batch JIT-compiling it.
  await tx`set local jit = off`;
  if (skipForeignKeys) await tx`set local session_replication_role = replica`;
  const notThere = s.dedupe
    ? tx`where not exists (
        select 1 from flights f
        where f.origin = t.origin and f.destination = t.destination
          and f.departure_time = t.departure_time and f.flight_number = t.flight_number)`
    : tx``;
  return tx<{ flights: number; seats: string }[]>`
    with slot as (
      select (s.n - 1)::int as idx, s.origin::char(3) as origin, s.destination::char(3) as destination, s.flight_number,
             s.airplane_id, s.local_minute, s.duration, s.base_price, s.currency, ap.time_zone
      from unnest(${c.origins}::text[], ${c.destinations}::text[], ${c.flightNumbers}::text[], ${c.airplaneIds}::uuid[],
                  ${c.localMinutes}::int[], ${c.durations}::int[], ${c.basePrices}::bigint[], ${c.currencies}::text[])
             with ordinality as s(origin, destination, flight_number, airplane_id, local_minute, duration, base_price, currency, n)
      join airports ap on ap.code = s.origin
    ),
    plane as (${seatMaps(tx, [...new Set(c.airplaneIds)])}),
    plane_cabin as (
      select p.airplane_id, c.cabin, count(*)::int as capacity from plane p, unnest(p.cabins) as c(cabin) group by 1, 2
    ),
    timed as (
      select n, slot.*, departure_time,
             (departure_time at time zone slot.time_zone)::date as local_date,
             lpad(to_hex(${idBase}::bigint + n), 12, '0') as id_time,
             -- The economy fare: a deterministic spread of -15%..+30% per flight, to whole rupees / dollars.
             round(slot.base_price * (0.85 + 0.45 * ((n * 2654435761) % 4294967296) / 4294967296.0) / 100) * 100 as fare
      from generate_series(${lo}::bigint, ${hi - 1}::bigint) as n
      join slot on slot.idx = n % ${daily}
      cross join lateral (
        select ((${s.startDate}::date + (n / ${daily})::int) + make_interval(mins => slot.local_minute))
               at time zone slot.time_zone as departure_time
      ) d
    ),
    identified as (
      select (substr(id_time, 1, 8) || '-' || substr(id_time, 9, 4) || '-7' || substr(gen_random_uuid()::text, 16))::uuid as id, t.*
      from timed t
    ),
    new_flight as (
      insert into flights (id, flight_number, airplane_id, origin, destination, departure_time, arrival_time,
                           departure_local_date, departure_local_minute, duration_minutes, currency, status, capacity)
      select t.id, t.flight_number, t.airplane_id, t.origin, t.destination, t.departure_time,
             t.departure_time + make_interval(mins => t.duration),
             t.local_date,
             extract(epoch from (t.departure_time at time zone t.time_zone)::time)::int / 60,
             t.duration, t.currency, 'scheduled', p.capacity
      from identified t
      join plane p on p.airplane_id = t.airplane_id
      ${notThere}
      order by t.n
      returning id, airplane_id, capacity
    ),
    new_cabin as (
      -- Every cabin of the airplane on sale: business at about 3.2 and first at about 6.5 times the
      -- economy fare, to whole units.
      insert into flight_cabins (flight_id, cabin, price_amount, capacity)
      select f.id, pc.cabin::cabin_class,
             round(t.fare * case pc.cabin when 'first' then 6.5 when 'business' then 3.2 else 1 end / 100) * 100, pc.capacity
      from new_flight f
      join identified t on t.id = f.id
      join plane_cabin pc on pc.airplane_id = f.airplane_id
    ),
    new_seat as (
      insert into seats (flight_id, row, letter, cabin)
      select f.id, m.row, m.letter, m.cabin
      from new_flight f
      -- LATERAL keeps the flights in insertion (id) order, and with them the seats.
      cross join lateral (select p.rows, p.letters, p.cabins from plane p where p.airplane_id = f.airplane_id offset 0) p
      cross join lateral unnest(p.rows, p.letters, p.cabins) as m(row, letter, cabin)
    )
    select count(*)::int as flights, coalesce(sum(capacity), 0)::text as seats from new_flight`;
}
