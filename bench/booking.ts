// Seat holds under contention: 64 closed-loop buyers taking one seat each, all on one hot flight and
// spread over 1,000 flights, over HTTP and against two ceilings measured in the same run: the domain
// transaction called directly (holdSeats in db.transaction) and a hand-written minimal SQL version.
// The aim: HTTP at least 0.5 of the raw SQL ceiling, the hot flight no slower than the spread load,
// zero 5xx and zero oversold seats. Two-leg holds (a return trip: one seat on an outbound and one on
// a return flight, one booking) run beside them in the same run, by the same three drivers, so their
// throughput and p99 read as ratios to the one-leg figures; then both kinds at once (every other
// request a trip), so that both see the same load and contend for the same seats.
import { readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { Pool } from "undici";
import { disconnectAll } from "#db-connection";
import { createDatabase } from "../db/client";
import { type PrivateJwk, publicJwk } from "../shared/auth/jwk";
import { AppError } from "../shared/errors";
import { SEAT_LETTERS } from "../db/schema/catalog";
import { generateSigningKey } from "../scripts/lib/keys";
import { type HostedWorker, serveWorker } from "../scripts/lib/node-host";
import { type HoldRequest, holdSeats } from "../workers/booking/domain/holds";
import booking from "../workers/booking/index";
import { startStripeStub } from "../test/support/stripe-stub";
import { customerTokens, machineLine, percentile, runMain, withThrowawayDatabase } from "./lib/common";

const CONCURRENCY = 64;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const WARMUP_MS = 1_000;
const JIT_WARMUP_MS = 2_000;
/** The worker's pool (db/pool-node.ts reads the same variable); the raw SQL client gets as many connections. */
const POOL_MAX = Number(process.env.PG_POOL_MAX ?? 10);
const HOLD_MINUTES = 15;
/** The added latency of the Stripe stub in the slow Stripe cell. */
const STRIPE_LATENCY_MS = Number(process.env.BENCH_STRIPE_LATENCY_MS ?? 300);
const STRIPE_ROUNDS = Number(process.env.BENCH_STRIPE_ROUNDS ?? 1);
const PASSENGER = "Bench Passenger";

// Hot flights: the largest layout a seat label allows (rows 1–99 × letters A–K without I). All 64
// buyers book the current hot flight; after HOLDS_PER_HOT_FLIGHT tickets the load moves on to the
// next one, so a flight never fills up and every request should get a seat.
const HOT = { rows: 99, seatsPerRow: 10, flights: Number(process.env.BENCH_HOT_FLIGHTS ?? 40), holdsPerFlight: 900 };
// Spread: every request picks one of these flights at random.
const SPREAD = { rows: 30, seatsPerRow: 6, flights: 1_000 };

const print = (line = "") => process.stdout.write(`${line}\n`);
// The worker logs one JSON line per request via console.log; tens of thousands would bury the table.
// The line is still built (that cost stays in the numbers), only its write is dropped. Warnings and
// errors (a 500, a deadlock) go to console.error and stay visible.
console.log = () => {};

type Outcome = { kind: "ok" } | { kind: "full" } | { kind: "error"; detail: string };
type Hold = (client: number, flightId: string) => Promise<Outcome>;

interface Run {
  ok: number;
  full: Map<string, number>;
  errors: number;
  errorSamples: string[];
  seconds: number;
  latencies: number[];
  /** The same latencies by the number of flights the hold named (1, or 2 for a trip "a+b"), ascending. */
  byLegs: Map<number, number[]>;
  /** The flight picker ran out of planned seats before the deadline. */
  exhausted: boolean;
  nodeCpuMs: number;
  machineBusyMs: number | undefined;
}

interface Result {
  scenario: string;
  run: Run;
  warmupOk: number;
  oversold: number;
  unexpected409: number;
  committedMismatch: number;
}

/** Busy CPU time of the whole machine so far (all cores, ms), from /proc/stat; undefined off Linux. */
function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** `concurrency` closed loops, each sending its next hold as soon as the previous one answers. */
async function load(hold: Hold, next: (client: number) => string | undefined, durationMs: number): Promise<Run> {
  const latencies: number[] = [];
  const byLegs = new Map<number, number[]>();
  const full = new Map<string, number>();
  const errorSamples: string[] = [];
  let errors = 0;
  let exhausted = false;
  const cpu0 = process.cpuUsage();
  const busy0 = machineBusyMs();
  const start = performance.now();
  const deadline = start + durationMs;
  const loop = async (client: number) => {
    while (performance.now() < deadline) {
      const flightId = next(client);
      if (flightId === undefined) {
        exhausted = true;
        return;
      }
      const t0 = performance.now();
      const outcome = await hold(client, flightId);
      if (outcome.kind === "ok") {
        const ms = performance.now() - t0;
        latencies.push(ms);
        const legs = flightId.split("+").length;
        byLegs.set(legs, byLegs.get(legs) ?? []);
        byLegs.get(legs)!.push(ms);
      } else if (outcome.kind === "full") full.set(flightId, (full.get(flightId) ?? 0) + 1);
      else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(outcome.detail);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, client) => loop(client)));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const busy1 = machineBusyMs();
  return {
    ok: latencies.length,
    full,
    errors,
    errorSamples,
    seconds,
    latencies: latencies.sort((a, b) => a - b),
    byLegs: new Map([...byLegs].map(([legs, ms]) => [legs, ms.sort((a, b) => a - b)])),
    exhausted,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    machineBusyMs: busy0 === undefined || busy1 === undefined ? undefined : busy1 - busy0,
  };
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * The public API: POST /api/v1/bookings with a bearer token, one passenger, no seat chosen. Sent
 * with undici's Pool (one keep-alive connection per client loop) rather than fetch: the client
 * shares this process and these cores with the worker, and fetch's Request/Response and streams
 * machinery cost about as much CPU per request as the worker's own HTTP handling.
 */
function httpHold(pool: Pool, tokens: string[], request: (target: string) => object = (flightId) => ({ flightId })): Hold {
  return async (client, flightId) => {
    try {
      const res = await pool.request({
        path: "/api/v1/bookings",
        method: "POST",
        headers: { authorization: `Bearer ${tokens[client]}`, "content-type": "application/json" },
        body: JSON.stringify({ ...request(flightId), passengers: [{ name: PASSENGER }] }),
      });
      const body = await res.body.text(); // the body is part of the response time, and an unread one would hold the socket
      if (res.statusCode === 201) return { kind: "ok" };
      if (res.statusCode === 409 && body.includes('"SEATS_UNAVAILABLE"')) return { kind: "full" };
      return { kind: "error", detail: `HTTP ${res.statusCode} ${body.slice(0, 300)}` };
    } catch (err) {
      return { kind: "error", detail: `network: ${describe(err)}` };
    }
  };
}

/** The domain transaction without HTTP, JWT or validation: what the route runs inside db.transaction. */
function domainHold(url: string, userIds: string[], legsOf: (target: string) => HoldRequest["legs"] = (flightId) => [{ flightId, cabin: "economy", seats: [], path: "flightId" }]): Hold {
  const db = createDatabase(url); // the same pool the worker uses (one per URL, PG_POOL_MAX connections)
  return async (client, flightId) => {
    try {
      await holdSeats(db, userIds[client]!, { legs: legsOf(flightId), passengers: [{ name: PASSENGER }] }, HOLD_MINUTES);
      return { kind: "ok" };
    } catch (err) {
      if (err instanceof AppError && err.code === "SEATS_UNAVAILABLE") return { kind: "full" };
      return { kind: "error", detail: describe(err) };
    }
  };
}

class FlightFull extends Error {}

/**
 * The minimal lock-and-insert transaction, hand-written: lock one free seat (SKIP LOCKED), insert the
 * booking (price read in the same statement), take the seat, insert the passenger and a small outbox
 * row. No flight pre-check, no read-back of the booking, no pg_notify.
 */
function rawHold(sql: postgres.Sql, userIds: string[]): Hold {
  return async (client, flightId) => {
    try {
      await sql.begin(async (tx) => {
        const [seat] = await tx<{ row: number; letter: string }[]>`
          select row, letter from seats
          where flight_id = ${flightId} and (booking_id is null or (held_until is not null and held_until <= now()))
          order by row, letter
          limit 1
          for update skip locked`;
        if (!seat) throw new FlightFull();
        const [created] = await tx<{ id: string; hold_expires_at: Date; fare: string }[]>`
          insert into bookings (user_id, total_amount, currency, hold_expires_at)
          select ${userIds[client]!}, fc.price_amount, f.currency, now() + make_interval(mins => ${HOLD_MINUTES})
          from flights f join flight_cabins fc on fc.flight_id = f.id and fc.cabin = 'economy' where f.id = ${flightId}
          returning id, hold_expires_at, total_amount as fare`;
        await tx`
          insert into booking_flights (booking_id, position, flight_id, cabin, fare_amount)
          values (${created!.id}, 0, ${flightId}, 'economy', ${created!.fare})`;
        await tx`
          update seats set booking_id = ${created!.id}, held_until = ${created!.hold_expires_at}
          where flight_id = ${flightId} and row = ${seat.row} and letter = ${seat.letter}`;
        await tx`
          insert into booking_passengers (booking_id, flight_id, position, name, row, letter)
          values (${created!.id}, ${flightId}, 0, ${PASSENGER}, ${seat.row}, ${seat.letter})`;
        await tx`
          insert into outbox_events (id, type, payload)
          values (gen_random_uuid(), 'bookings.held',
            jsonb_build_object('bookingId', ${created!.id}::uuid, 'flightId', ${flightId}::uuid, 'seat', ${`${seat.row}${seat.letter}`}::text))`;
      });
      return { kind: "ok" };
    } catch (err) {
      if (err instanceof FlightFull) return { kind: "full" };
      return { kind: "error", detail: describe(err) };
    }
  };
}

/** Cities, airports, two airplane layouts and their flights, seats created as scheduleFlight does. */
async function createCatalog(sql: postgres.Sql) {
  const [a, b] = await sql<{ id: string }[]>`
    insert into cities (name, country) values ('Bench City A', 'XX'), ('Bench City B', 'XX') returning id`;
  await sql`
    insert into airports (code, name, city_id, time_zone)
    values ('BKA', 'BKA International', ${a!.id}, 'Asia/Kolkata'), ('BKB', 'BKB International', ${b!.id}, 'Asia/Kolkata')`;
  const flightsOf = async (prefix: string, layout: { rows: number; seatsPerRow: number; flights: number }) => {
    const cabins = [{ cabin: "economy", rows: layout.rows, seatsPerRow: layout.seatsPerRow }];
    const [plane] = await sql<{ id: string }[]>`
      insert into airplanes (model, cabins, capacity)
      values (${`Bench ${layout.rows}x${layout.seatsPerRow}`}, ${sql.json(cabins)}, ${layout.rows * layout.seatsPerRow})
      returning id`;
    // Departures 30 days ahead, one a minute, 2 h long, 100.00 INR a seat, scheduled (not cancelled).
    const flights = await sql<{ id: string }[]>`
      with f as (
        select g, date_trunc('minute', now()) + interval '30 days' + g * interval '1 minute' as departure
        from generate_series(1, ${layout.flights}::int) g
      )
      insert into flights (flight_number, airplane_id, origin, destination, departure_time, arrival_time,
        departure_local_date, departure_local_minute, duration_minutes, currency, capacity)
      select ${prefix} || ' ' || g, ${plane!.id}, 'BKA', 'BKB', departure, departure + interval '2 hours',
        (departure at time zone 'Asia/Kolkata')::date,
        (extract(hour from departure at time zone 'Asia/Kolkata') * 60 + extract(minute from departure at time zone 'Asia/Kolkata'))::smallint,
        120, 'INR', ${layout.rows * layout.seatsPerRow}
      from f order by g
      returning id`;
    await sql`
      insert into flight_cabins (flight_id, cabin, price_amount, capacity)
      select id, 'economy', 10000, ${layout.rows * layout.seatsPerRow} from flights where airplane_id = ${plane!.id}`;
    await sql`
      insert into seats (flight_id, row, letter, cabin)
      select f.id, r, substr(${SEAT_LETTERS}, l, 1), 'economy'
      from flights f, generate_series(1, ${layout.rows}::int) r, generate_series(1, ${layout.seatsPerRow}::int) l
      where f.airplane_id = ${plane!.id}`;
    return flights.map((f) => f.id);
  };
  const hot = await flightsOf("HOT", HOT);
  const spread = await flightsOf("SPR", SPREAD);
  await sql`vacuum (analyze) flights, seats`;
  return { hot, spread };
}

// ---- Two-leg holds: a return trip (BKA → BKB, then BKB → BKA two days later) as one booking. ----
// A trip is named by its flight ids joined with "+" (as /itineraries names a connection), so the
// pickers, the load loop and the checks above take it where they take a flight id.

const legsOf = (trip: string) => trip.split("+");

/**
 * A return flight for each of these: the same airplane, seats, cabins and fare, BKB → BKA and two
 * days later, so every (outbound, return) pair is a valid journey. In the same order as `outbound`.
 */
async function createReturnFlights(sql: postgres.Sql, outbound: string[]): Promise<string[]> {
  const rows = await sql<{ id: string; n: number }[]>`
    with src as (
      select f.*, o.n, gen_random_uuid() as new_id
      from unnest(${sql.array(outbound)}::uuid[]) with ordinality as o(id, n) join flights f on f.id = o.id
    ), new_flight as (
      insert into flights (id, flight_number, airplane_id, origin, destination, departure_time, arrival_time,
        departure_local_date, departure_local_minute, duration_minutes, currency, capacity)
      select new_id, 'R' || flight_number, airplane_id, destination, origin, departure_time + interval '2 days',
        arrival_time + interval '2 days', departure_local_date + 2, departure_local_minute, duration_minutes, currency, capacity
      from src
      returning id
    ), new_cabin as (
      insert into flight_cabins (flight_id, cabin, price_amount, capacity)
      select src.new_id, fc.cabin, fc.price_amount, fc.capacity from src join flight_cabins fc on fc.flight_id = src.id
    ), new_seat as (
      insert into seats (flight_id, row, letter, cabin)
      select src.new_id, s.row, s.letter, s.cabin from src join seats s on s.flight_id = src.id
    )
    select new_id as id, n::int from src order by n`;
  await sql`vacuum (analyze) flights, flight_cabins, seats`;
  return rows.map((r) => r.id);
}

/** The flights form of POST /api/v1/bookings, and the legs holdSeats gets from it: both flights, economy, no seat chosen. */
const tripRequest = (trip: string) => ({ flights: legsOf(trip).map((flightId) => ({ flightId })) });
const tripLegs = (trip: string) => legsOf(trip).map((flightId, i) => ({ flightId, cabin: "economy" as const, seats: [], path: `flights.${i}` }));

/**
 * rawHold for a trip: one free seat locked per flight (SKIP LOCKED, one statement), the booking
 * priced from both fares, its two flights, both seats, a passenger per leg and the outbox row.
 */
function rawTripHold(sql: postgres.Sql, userIds: string[]): Hold {
  return async (client, trip) => {
    const flightIds = legsOf(trip);
    try {
      await sql.begin(async (tx) => {
        // One statement: the first free seat of each flight, skipping locked ones (so it never waits).
        const seats = await tx<{ flight: string; row: number; letter: string }[]>`
          select l.id as flight, s.row, s.letter
          from unnest(${[...flightIds].sort()}::uuid[]) as l(id)
          cross join lateral (
            select row, letter from seats
            where flight_id = l.id and (booking_id is null or (held_until is not null and held_until <= now()))
            order by row, letter limit 1 for update skip locked) s`;
        if (seats.length < flightIds.length) throw new FlightFull();
        const [created] = await tx<{ id: string; hold_expires_at: Date }[]>`
          insert into bookings (user_id, total_amount, currency, hold_expires_at)
          select ${userIds[client]!}, sum(fc.price_amount), min(f.currency), now() + make_interval(mins => ${HOLD_MINUTES})
          from flights f join flight_cabins fc on fc.flight_id = f.id and fc.cabin = 'economy' where f.id = any(${flightIds}::uuid[])
          returning id, hold_expires_at`;
        await tx`
          insert into booking_flights (booking_id, position, flight_id, cabin, fare_amount)
          select ${created!.id}, (l.n - 1)::smallint, l.id, 'economy', fc.price_amount
          from unnest(${flightIds}::uuid[]) with ordinality as l(id, n)
          join flight_cabins fc on fc.flight_id = l.id and fc.cabin = 'economy'`;
        await tx`
          update seats set booking_id = ${created!.id}, held_until = ${created!.hold_expires_at}
          from unnest(${seats.map((s) => s.flight)}::uuid[], ${seats.map((s) => s.row)}::smallint[], ${seats.map((s) => s.letter)}::char(1)[]) as t(flight_id, row, letter)
          where seats.flight_id = t.flight_id and seats.row = t.row and seats.letter = t.letter`;
        await tx`
          insert into booking_passengers (booking_id, flight_id, position, name, row, letter)
          select ${created!.id}, t.flight_id, 0, ${PASSENGER}, t.row, t.letter
          from unnest(${seats.map((s) => s.flight)}::uuid[], ${seats.map((s) => s.row)}::smallint[], ${seats.map((s) => s.letter)}::char(1)[]) as t(flight_id, row, letter)`;
        await tx`
          insert into outbox_events (id, type, payload)
          values (gen_random_uuid(), 'bookings.held', jsonb_build_object('bookingId', ${created!.id}::uuid, 'flightIds', ${flightIds}::uuid[]))`;
      });
      return { kind: "ok" };
    } catch (err) {
      if (err instanceof FlightFull) return { kind: "full" };
      return { kind: "error", detail: describe(err) };
    }
  };
}

/** Hot trips: the current hot flight and its return, both moving on after HOLDS_PER_HOT_FLIGHT trips. */
const hotTripPicker = (outbound: string[], inbound: string[]) => hotPicker(outbound.map((id, i) => `${id}+${inbound[i]!}`));

/** Spread trips: an outbound and a return flight, each picked at random among the 1,000. */
const spreadTripPicker = (outbound: string[], inbound: string[]) => () =>
  `${outbound[Math.floor(Math.random() * outbound.length)]!}+${inbound[Math.floor(Math.random() * inbound.length)]!}`;

/** Two-leg ÷ one-leg, per layout and driver: holds/s, seats/s and p99. */
function tripRatioTable(oneLeg: Result[], twoLeg: Result[]): string {
  const rows = twoLeg.map((two) => {
    const one = oneLeg.find((r) => `${r.scenario}${TRIP_SUFFIX}` === two.scenario)!;
    const rate = (r: Run) => r.ok / r.seconds;
    return (
      `| ${one.scenario} | ${(rate(two.run) / rate(one.run)).toFixed(2)} | ${((2 * rate(two.run)) / rate(one.run)).toFixed(2)} | ` +
      `${(percentile(two.run.latencies, 99) / percentile(one.run.latencies, 99)).toFixed(2)} |`
    );
  });
  return ["| layout · driver | holds/s 2-leg ÷ 1-leg | seats/s 2-leg ÷ 1-leg | p99 2-leg ÷ 1-leg |", "|---|---:|---:|---:|", ...rows].join("\n");
}

const TRIP_SUFFIX = " · 2 legs";

// ---- Mixed: one-leg and two-leg holds at the same time, on the same flights. ----
// Even clients hold one flight, odd clients a trip, so both kinds run under the same load from the
// rest of the machine (sequential scenarios can differ by 2× on a shared one), contend for the same
// seats, and each kind's holds/s follows from its own latency.

const MIXED_SUFFIX = " · mixed 1 + 2 legs";

/** Sends a trip ("a+b") to `trip` and a single flight to `one`. */
const mixedHold = (one: Hold, trip: Hold): Hold => (client, target) => (target.includes("+") ? trip : one)(client, target);

/** The hot flight, alone or with its return; every pick takes one of its seats, so both kinds share its quota. */
function hotMixedPicker(outbound: string[], inbound: string[]) {
  const nextIndex = hotPicker(outbound.map((_, i) => String(i)));
  return (client: number) => {
    const i = nextIndex();
    if (i === undefined) return undefined;
    return client % 2 === 0 ? outbound[Number(i)]! : `${outbound[Number(i)]!}+${inbound[Number(i)]!}`;
  };
}

function spreadMixedPicker(outbound: string[], inbound: string[]) {
  const one = spreadPicker(outbound);
  const trip = spreadTripPicker(outbound, inbound);
  return (client: number) => (client % 2 === 0 ? one() : trip());
}

/** Per mixed run: each kind's holds/s (32 clients each) and p99 over the same seconds, and their ratios. */
function mixedTable(results: Result[]): string {
  const rows = results.map(({ scenario, run }) => {
    const one = run.byLegs.get(1) ?? [];
    const two = run.byLegs.get(2) ?? [];
    const p99 = (ms: number[]) => percentile(ms, 99);
    return (
      `| ${scenario.replace(MIXED_SUFFIX, "")} | ${(one.length / run.seconds).toFixed(0)} | ${(two.length / run.seconds).toFixed(0)} | ` +
      `${p99(one).toFixed(1)} | ${p99(two).toFixed(1)} | ${(two.length / one.length).toFixed(2)} | ${(p99(two) / p99(one)).toFixed(2)} |`
    );
  });
  return [
    "| layout · driver | 1-leg holds/s | 2-leg holds/s | 1-leg p99 ms | 2-leg p99 ms | holds/s 2-leg ÷ 1-leg | p99 2-leg ÷ 1-leg |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** One user per client, made directly in SQL (the booking worker only needs a valid token). */
async function createUsers(sql: postgres.Sql, url: string, key: PrivateJwk) {
  const users = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash)
    select 'bench-' || g || '@example.com', 'Bench User ' || g, 'not-a-bcrypt-hash' from generate_series(0, ${CONCURRENCY - 1}::int) g
    order by g
    returning id`;
  await sql`insert into user_roles (user_id, role) select unnest(${sql.array(users.map((u) => u.id))}::uuid[]), 'customer'`;
  const userIds = users.map((u) => u.id);
  return { userIds, tokens: await customerTokens(url, key, userIds) };
}

/** Every hold gone and every seat free again, without dead rows left for the next scenario to scan. */
async function reset(sql: postgres.Sql) {
  await sql`truncate outbox_events, booking_passengers, booking_flights, booking_changes, refunds, payments, payment_intents, payment_webhook_events, idempotency_keys, bookings`;
  await sql`update seats set booking_id = null, held_until = null where booking_id is not null`;
  await sql`vacuum (analyze) seats, bookings, booking_flights, booking_passengers, outbox_events`;
}

/**
 * No seat sold twice. seats.booking_id holds one booking, so a double sale would show up elsewhere:
 * a (flight, row, letter) in two live bookings' passengers, a passenger whose seat row names another
 * booking, or a flight whose live passengers and taken seats differ in number.
 */
async function oversold(sql: postgres.Sql) {
  const [row] = await sql<{ doubles: number; mismatched: number; miscounted: number; live: number }[]>`
    with live as (
      select id from bookings
      where status = 'confirmed' or (status = 'held' and hold_expires_at > now())
    ), passengers as (
      select l.id as booking_id, p.flight_id, p.row, p.letter from live l join booking_passengers p on p.booking_id = l.id
    )
    select
      (select count(*)::int from (select 1 from passengers group by flight_id, row, letter having count(*) > 1) d) as doubles,
      (select count(*)::int from passengers p
         left join seats s on s.flight_id = p.flight_id and s.row = p.row and s.letter = p.letter
         where s.booking_id is distinct from p.booking_id) as mismatched,
      (select count(*)::int from
         (select flight_id, count(*) as n from passengers group by flight_id) a
         full join (select flight_id, count(*) as n from seats where booking_id is not null group by flight_id) b using (flight_id)
         where a.n is distinct from b.n) as miscounted,
      (select count(*)::int from live) as live`;
  return row!;
}

/**
 * Requests answered SEATS_UNAVAILABLE although every flight they named still has a free seat: a
 * 409 that was not "full". A target is a flight id, or a trip's flight ids joined by "+".
 */
async function unexpectedFull(sql: postgres.Sql, targets: string[]) {
  if (targets.length === 0) return 0;
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from unnest(${sql.array(targets)}::text[]) t
    where not exists (
      select 1 from unnest(string_to_array(t, '+')::uuid[]) leg
      where not exists (
        select 1 from seats s where s.flight_id = leg and (s.booking_id is null or (s.held_until is not null and s.held_until <= now()))))`;
  return row!.n;
}

/** The current hot flight until it has HOLDS_PER_HOT_FLIGHT tickets, then the next one. */
function hotPicker(flights: string[]) {
  let issued = 0;
  return () => {
    const flight = flights[Math.floor(issued / HOT.holdsPerFlight)];
    if (flight !== undefined) issued++;
    return flight;
  };
}

/** Payer loops of the Stripe cells: each holds a seat on the hot flight, then pays for it (a PaymentIntent). */
const PAYERS = 16;
/** BENCH_ONLY=stripe runs only the Stripe cells (and their JIT warm-up). */
const ONLY = process.env.BENCH_ONLY;

/**
 * Holds on the hot flight while other customers pay on it through Stripe (the stub), at 0 ms and
 * at STRIPE_LATENCY_MS added latency, in the same run: CONCURRENCY hold loops as in the other
 * cells, plus PAYERS loops that hold and then pay. If a payment held the seats' or the booking's
 * locks while Stripe answers, the hold loops would wait behind it; the hold rate should not move.
 */
async function stripeCells(sql: postgres.Sql, env: Record<string, string>, tokens: string[], hot: string[]) {
  const stub = await startStripeStub();
  const server = await serveWorker(booking, { ...env, STRIPE_SECRET_KEY: stub.secretKey, STRIPE_WEBHOOK_SECRET: stub.webhookSecret, STRIPE_BASE_URL: stub.url }, 0);
  const pool = new Pool(server.url, { connections: CONCURRENCY + PAYERS });
  const hold = httpHold(pool, tokens);
  const cells: { latency: number; holds: Run; paid: number[]; payErrors: number; payErrorSamples: string[]; oversold: number }[] = [];
  try {
    // A B B A (BENCH_STRIPE_ROUNDS times): the machine's drift over the run (other load, table
    // bloat) weighs on both latencies alike.
    const order = Array.from({ length: STRIPE_ROUNDS }, () => [0, STRIPE_LATENCY_MS, STRIPE_LATENCY_MS, 0]).flat();
    for (const latency of order) {
      stub.latencyMs = latency;
      await reset(sql);
      const picker = hotPicker(hot);
      const paid: number[] = [];
      const payErrorSamples: string[] = [];
      let payErrors = 0;
      const payer = async (i: number, deadline: number) => {
        const token = tokens[i % tokens.length]!;
        while (performance.now() < deadline) {
          const flightId = picker();
          if (flightId === undefined) return;
          const held = await pool.request({
            path: "/api/v1/bookings",
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ flightId, passengers: [{ name: PASSENGER }] }),
          });
          const heldBody = await held.body.text();
          if (held.statusCode !== 201) continue;
          const booking = JSON.parse(heldBody).data;
          const t0 = performance.now();
          const res = await pool.request({
            path: `/api/v1/bookings/${booking.id}/payments`,
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ amount: booking.totalAmount }),
          });
          const body = await res.body.text();
          if (res.statusCode === 202) paid.push(performance.now() - t0);
          else if (++payErrors <= 3) payErrorSamples.push(`HTTP ${res.statusCode} ${body.slice(0, 200)}`);
        }
      };
      await load(hold, picker, WARMUP_MS);
      const deadline = performance.now() + DURATION_MS;
      const [holds] = await Promise.all([load(hold, picker, DURATION_MS), ...Array.from({ length: PAYERS }, (_, i) => payer(i, deadline))]);
      const check = await oversold(sql);
      cells.push({ latency, holds, paid: paid.sort((a, b) => a - b), payErrors, payErrorSamples, oversold: check.doubles + check.mismatched + check.miscounted });
    }
  } finally {
    await pool.close();
    await server.close();
    await stub.close();
  }
  print("");
  print(`Stripe cells: hot flight, ${CONCURRENCY} hold loops + ${PAYERS} loops that hold and pay (PaymentIntent via the Stripe stub)`);
  print("| Stripe stub latency | holds/s (hold loops) | hold p50 ms | hold p99 ms | payments/s | pay p50 ms | pay p99 ms | errors | oversold |");
  print("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of cells) {
    print(
      `| ${c.latency} ms | ${(c.holds.ok / c.holds.seconds).toFixed(0)} | ${percentile(c.holds.latencies, 50).toFixed(1)} | ${percentile(c.holds.latencies, 99).toFixed(1)} | ` +
        `${(c.paid.length / c.holds.seconds).toFixed(1)} | ${percentile(c.paid, 50).toFixed(1)} | ${percentile(c.paid, 99).toFixed(1)} | ${c.holds.errors + c.payErrors} | ${c.oversold} |`,
    );
    for (const sample of [...c.holds.errorSamples, ...c.payErrorSamples].slice(0, 5)) console.error(`  error sample (Stripe ${c.latency} ms): ${sample}`);
  }
  const rate = (latency: number) => {
    const runs = cells.filter((c) => c.latency === latency);
    return runs.reduce((sum, c) => sum + c.holds.ok, 0) / runs.reduce((sum, c) => sum + c.holds.seconds, 0);
  };
  print(`holds/s with Stripe at ${STRIPE_LATENCY_MS} ms ÷ at 0 ms (all runs of each): ${(rate(STRIPE_LATENCY_MS) / rate(0)).toFixed(2)}`);
  return cells.some((c) => c.holds.errors + c.payErrors > 0 || c.oversold > 0) ? 1 : 0;
}

const spreadPicker = (flights: string[]) => () => flights[Math.floor(Math.random() * flights.length)]!;

async function scenario(sql: postgres.Sql, name: string, hold: Hold, next: (client: number) => string | undefined): Promise<Result> {
  await reset(sql);
  const warmup = await load(hold, next, WARMUP_MS); // JIT, pool connections, keep-alive sockets
  const run = await load(hold, next, DURATION_MS);
  const check = await oversold(sql);
  const bad = check.doubles + check.mismatched + check.miscounted;
  const unexpected409 = await unexpectedFull(sql, [...new Set([...warmup.full.keys(), ...run.full.keys()])]);
  const committedMismatch = check.live - (warmup.ok + run.ok);
  const full = [...run.full.values()].reduce((a, b) => a + b, 0);
  print(
    `${name}: ${run.ok} holds in ${run.seconds.toFixed(2)} s, ${full} × 409, ${run.errors} errors; ` +
      `oversold: ${bad}${bad ? ` (doubles ${check.doubles}, seat rows naming another booking ${check.mismatched}, flights miscounted ${check.miscounted})` : ""}`,
  );
  if (run.exhausted) print(`  note: the planned seats ran out after ${run.seconds.toFixed(2)} s; raise BENCH_HOT_FLIGHTS`);
  for (const sample of [...warmup.errorSamples, ...run.errorSamples].slice(0, 5)) console.error(`  error sample: ${sample}`);
  if (unexpected409) console.error(`  ${unexpected409} flight(s) answered SEATS_UNAVAILABLE while they still had free seats`);
  if (committedMismatch) console.error(`  ${check.live} live bookings in the database, but ${warmup.ok + run.ok} holds answered as created`);
  return { scenario: name, run, warmupOk: warmup.ok, oversold: bad, unexpected409, committedMismatch };
}

function table(results: Result[]): string {
  const rows = results.map(({ scenario, run, oversold }) => {
    const full = [...run.full.values()].reduce((a, b) => a + b, 0);
    return `| ${scenario} | ${(run.ok / run.seconds).toFixed(0)} | ${percentile(run.latencies, 50).toFixed(1)} | ${percentile(run.latencies, 99).toFixed(1)} | ${full} | ${run.errors} | ${oversold} |`;
  });
  return ["| scenario | holds/s | p50 ms | p99 ms | 409 | errors | oversold |", "|---|---:|---:|---:|---:|---:|---:|", ...rows].join("\n");
}

/** CPU per hold: this Node process (client loops + worker + drivers) and the rest of the machine (PostgreSQL). */
function cpuTable(results: Result[]): string {
  const rows = results.map(({ scenario, run }) => {
    const node = run.nodeCpuMs / run.ok;
    const rest = run.machineBusyMs === undefined ? NaN : (run.machineBusyMs - run.nodeCpuMs) / run.ok;
    const busy = run.machineBusyMs === undefined ? NaN : run.machineBusyMs / (run.seconds * 1000 * os.availableParallelism());
    return `| ${scenario} | ${node.toFixed(2)} | ${rest.toFixed(2)} | ${(busy * 100).toFixed(0)}% |`;
  });
  return ["| scenario | Node CPU ms/hold | rest of machine CPU ms/hold | machine busy |", "|---|---:|---:|---:|", ...rows].join("\n");
}

async function main(): Promise<number> {
  print(`# bench:booking — ${new Date().toISOString()}`);
  print(machineLine());
  print(
    `${CONCURRENCY} closed-loop clients, pool ${POOL_MAX} connections (worker and raw SQL alike), ${JIT_WARMUP_MS / 1000} s JIT warm-up per driver, ` +
      `then per scenario ${WARMUP_MS / 1000} s warm-up + ` +
      `${DURATION_MS / 1000} s measured; hot: ${HOT.rows}×${HOT.seatsPerRow} seats, ${HOT.holdsPerFlight} holds a flight, then the next; ` +
      `spread: ${SPREAD.flights} flights of ${SPREAD.rows}×${SPREAD.seatsPerRow}; ` +
      `each one-leg scenario followed by its two-leg twin (a return trip: the layout's outbound flight and a return flight, one seat on each), ` +
      `then both at once (every other request a trip)\n`,
  );

  return withThrowawayDatabase("booking", async (url) => {
    let server: HostedWorker | undefined;
    let client: Pool | undefined;
    let setup: postgres.Sql | undefined;
    let raw: postgres.Sql | undefined;
    try {
      setup = postgres(url, { max: 1, onnotice: () => {} });
      const key = await generateSigningKey();
      const { hot, spread } = await createCatalog(setup);
      const returns = { hot: await createReturnFlights(setup, hot), spread: await createReturnFlights(setup, spread) };
      const { userIds, tokens } = await createUsers(setup, url, key);

      const env = { DATABASE_URL: url, JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(key)] }), HOLD_MINUTES: String(HOLD_MINUTES) };
      server = await serveWorker(booking, env, 0);
      client = new Pool(server.url, { connections: CONCURRENCY });
      raw = postgres(url, { max: POOL_MAX, onnotice: () => {} });

      const drivers = [
        { name: "HTTP", hold: httpHold(client, tokens) },
        { name: "domain tx (holdSeats)", hold: domainHold(url, userIds) },
        { name: "raw SQL", hold: rawHold(raw, userIds) },
      ];
      const tripDrivers = new Map<string, Hold>([
        ["HTTP", httpHold(client, tokens, tripRequest)],
        ["domain tx (holdSeats)", domainHold(url, userIds, tripLegs)],
        ["raw SQL", rawTripHold(raw, userIds)],
      ]);
      // JIT warm-up before anything is measured: a second of warm-up alone left the first scenario run
      // with cold code (about a third more Node CPU per hold than the same scenario run later).
      let warmupErrors = 0;
      for (const driver of drivers) {
        const run = await load(driver.hold, spreadPicker(spread), JIT_WARMUP_MS);
        warmupErrors += run.errors;
        for (const sample of run.errorSamples) console.error(`  error sample (JIT warm-up, ${driver.name}): ${sample}`);
      }
      for (const [name, hold] of tripDrivers) {
        const run = await load(hold, spreadTripPicker(spread, returns.spread), JIT_WARMUP_MS);
        warmupErrors += run.errors;
        for (const sample of run.errorSamples) console.error(`  error sample (JIT warm-up, ${name}${TRIP_SUFFIX}): ${sample}`);
      }
      const warmupCheck = await oversold(setup);
      const warmupOversold = warmupCheck.doubles + warmupCheck.mismatched + warmupCheck.miscounted;
      print(`JIT warm-up: ${warmupErrors} errors; oversold: ${warmupOversold}`);

      if (ONLY === "stripe") return await stripeCells(setup, env, tokens, hot);

      const results: Result[] = [];
      const tripResults: Result[] = [];
      const mixedResults: Result[] = [];
      for (const layout of [
        { name: "hot flight", picker: () => hotPicker(hot), trips: () => hotTripPicker(hot, returns.hot), mixed: () => hotMixedPicker(hot, returns.hot) },
        {
          name: "spread (1,000 flights)",
          picker: () => spreadPicker(spread),
          trips: () => spreadTripPicker(spread, returns.spread),
          mixed: () => spreadMixedPicker(spread, returns.spread),
        },
      ]) {
        for (const driver of drivers) {
          results.push(await scenario(setup, `${layout.name} · ${driver.name}`, driver.hold, layout.picker()));
          // The same layout and driver with two-leg holds, straight after, then both kinds at once.
          const trip = tripDrivers.get(driver.name)!;
          tripResults.push(await scenario(setup, `${layout.name} · ${driver.name}${TRIP_SUFFIX}`, trip, layout.trips()));
          mixedResults.push(await scenario(setup, `${layout.name} · ${driver.name}${MIXED_SUFFIX}`, mixedHold(driver.hold, trip), layout.mixed()));
        }
      }

      const rate = (name: string) => {
        const r = results.find((x) => x.scenario === name)!.run;
        return r.ok / r.seconds;
      };
      print("");
      print(table(results));
      print("");
      print(
        `HTTP ÷ raw SQL: hot flight ${(rate("hot flight · HTTP") / rate("hot flight · raw SQL")).toFixed(2)}, ` +
          `spread ${(rate("spread (1,000 flights) · HTTP") / rate("spread (1,000 flights) · raw SQL")).toFixed(2)}`,
      );
      print(
        `HTTP ÷ domain tx: hot flight ${(rate("hot flight · HTTP") / rate("hot flight · domain tx (holdSeats)")).toFixed(2)}, ` +
          `spread ${(rate("spread (1,000 flights) · HTTP") / rate("spread (1,000 flights) · domain tx (holdSeats)")).toFixed(2)}`,
      );
      print("");
      print(cpuTable(results));
      print("");
      print(table(tripResults));
      print("");
      print(tripRatioTable(results, tripResults));
      print("");
      print(cpuTable(tripResults));
      print("");
      print(table(mixedResults));
      print("");
      print(mixedTable(mixedResults));

      const stripeFailed = await stripeCells(setup, env, tokens, hot);
      const failed = [...results, ...tripResults, ...mixedResults].filter((r) => r.run.errors > 0 || r.oversold > 0 || r.unexpected409 > 0 || r.committedMismatch !== 0);
      if (failed.length > 0) console.error(`\nfailed: ${failed.map((r) => r.scenario).join(", ")}`);
      if (warmupErrors > 0 || warmupOversold > 0) console.error("\nfailed: JIT warm-up");
      return failed.length > 0 || warmupErrors > 0 || warmupOversold > 0 || stripeFailed ? 1 : 0;
    } finally {
      await client?.close();
      await server?.close();
      await disconnectAll();
      await raw?.end({ timeout: 5 });
      await setup?.end({ timeout: 5 });
    }
  });
}

runMain(main);
