// Search latency and throughput on 10 thousand and on 1 million flights, in one run.
// The aim: 1M-flight figures within 2x of the 10k ones, because every search is index-backed; the
// same for searches in the business and first cabins, sorted by that cabin's fare.
import { performance } from "node:perf_hooks";
import { disconnectAll } from "#db-connection";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { migrateDatabase } from "../db/migrate";
import { schema } from "../db/client";
import type { CabinClass } from "../db/schema";
import { seedAirplanes } from "../db/seed/airplanes";
import { seedCatalog } from "../db/seed/index";
import { buildRoutes } from "../db/seed/network";
import { publicJwk } from "../shared/auth/jwk";
import { generateSigningKey } from "../scripts/lib/keys";
import { type HostedWorker, serveWorker } from "../scripts/lib/node-host";
import search from "../workers/search/index";
import { searchFlights } from "../workers/search/domain/flight-search";
import { searchItineraries } from "../workers/search/domain/itineraries";
import { BENCH_SERVER_URL, benchDatabaseUrl, closedLoops, machineLine, percentile, rateAndLatency } from "./lib/common";

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4_000);
const START = "2030-01-01"; // fixed, so the datasets can be kept between runs
// Both datasets get the seed's densest timetable (4x the base departures a day); the small one
// spans under two days, so queries ask for the first day, which is complete in both.
const DAYS_QUERIED = 1;
const DATASETS = [
  { name: "10k", flights: 10_000 },
  { name: "1M", flights: Number(process.env.BENCH_LARGE_FLIGHTS ?? 1_000_000) },
];
const CONCURRENCY = [1, 32];
/** BENCH_QUERIES=business,first runs only the queries whose name contains one of these words. */
const ONLY = process.env.BENCH_QUERIES?.split(",").map((w) => w.trim()).filter(Boolean);

console.log = () => {}; // the worker's per-request log lines would bury the table
const out = (line = "") => process.stdout.write(`${line}\n`);

/** A seeded database per size, kept between runs (building a million flights takes minutes). */
async function ensureDataset(name: string, flights: number): Promise<string> {
  const database = `airline_bench_search_${name.toLowerCase()}`;
  const admin = postgres(BENCH_SERVER_URL, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
  if (!exists) await admin.unsafe(`create database ${database}`);
  await admin.end();
  const url = benchDatabaseUrl(database);
  await migrateDatabase(url);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const [{ n }] = (await sql`select count(*)::int as n from flights`) as unknown as [{ n: number }];
    if (n !== flights) {
      const started = performance.now();
      out(`building the ${name} dataset (${flights.toLocaleString("en")} flights)…`);
      await seedCatalog(sql, { days: 1, flights, startDate: START, reset: true, log: (l) => out(`  ${l}`) });
      out(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    // A set built before the seed analyzed flight_cabins has no statistics for it until autovacuum
    // gets there, and the cabin searches' plans (and JIT) depend on them.
    const [stats] = await sql`select coalesce(last_analyze, last_autoanalyze) as at from pg_stat_user_tables where relname = 'flight_cabins'`;
    if (!stats?.at) await sql`analyze flight_cabins`;
  } finally {
    await sql.end();
  }
  return url;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Whether the seed's airplane on this route has the cabin. */
const flies = (model: string, cabin: CabinClass) => seedAirplanes.some((a) => a.model === model && a.cabins.some((c) => c.cabin === cabin));

/** Deterministic query streams: real routes of the seeded network on the first days of the schedule. */
function queries() {
  const all = buildRoutes();
  const routes = all.filter((r) => r.domestic);
  /** Route + date requests, in turn over these routes. */
  const stream = (over: typeof all) => {
    let i = 0;
    return () => {
      const route = over[(i * 7919) % over.length]!;
      const date = addDays(START, i % DAYS_QUERIED);
      i++;
      return { from: route.origin.code, to: route.destination.code, date };
    };
  };
  const next = stream(routes);
  // Cabin searches ask for routes flown by an airplane with that cabin: business on domestic jets
  // (not the turboprops), first on the international routes of the 777-300ER.
  const business = stream(routes.filter((r) => flies(r.model, "business")));
  const first = stream(all.filter((r) => flies(r.model, "first")));
  const codes = [...new Set(routes.map((r) => r.origin.code))];
  let j = 0;
  const pair = () => {
    const from = codes[(j * 31) % codes.length]!;
    let to = codes[(j * 17 + 5) % codes.length]!;
    if (to === from) to = codes[(j * 17 + 6) % codes.length]!;
    const date = addDays(START, j++ % DAYS_QUERIED);
    return { from, to, date };
  };
  return {
    "route + date": () => {
      const q = next();
      return `/api/v1/flights?from=${q.from}&to=${q.to}&date=${q.date}`;
    },
    "route + date + filters": () => {
      const q = next();
      return `/api/v1/flights?from=${q.from}&to=${q.to}&date=${q.date}&passengers=2&maxPrice=2000000&departAfter=06:00&departBefore=22:00&maxDurationMinutes=600&sort=price,-departureTime`;
    },
    "itineraries (≤1 stop)": () => {
      const q = pair();
      return `/api/v1/itineraries?from=${q.from}&to=${q.to}&date=${q.date}&passengers=2&sort=duration`;
    },
    "business, route + date, by price": () => {
      const q = business();
      return `/api/v1/flights?from=${q.from}&to=${q.to}&date=${q.date}&passengers=2&cabin=business&sort=price`;
    },
    "first, route + date, by price": () => {
      const q = first();
      return `/api/v1/flights?from=${q.from}&to=${q.to}&date=${q.date}&passengers=2&cabin=first&sort=price`;
    },
    "business itineraries (≤1 stop), by price": () => {
      const q = pair();
      return `/api/v1/itineraries?from=${q.from}&to=${q.to}&date=${q.date}&passengers=2&cabin=business&sort=price`;
    },
  };
}

/** The queries this run measures (all, or those BENCH_QUERIES names). */
const selected = () => Object.keys(queries()).filter((name) => !ONLY || ONLY.some((w) => name.includes(w))) as (keyof ReturnType<typeof queries>)[];

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  n: number;
}


async function load(base: string, path: () => string, concurrency: number): Promise<Result> {
  const run = await closedLoops(concurrency, DURATION_MS, 200, () => fetch(base + path()));
  return { ...rateAndLatency(run), n: run.latencies.length };
}

/**
 * One client sending each request of the stream to both sets in turn (which goes first alternates),
 * for DURATION_MS: both see the same load from whatever else the machine runs, so the ratio of
 * their medians holds up on a shared machine where consecutive cells can differ by 2×.
 */
async function interleaved(bases: [string, string], path: () => string) {
  const latencies: [number[], number[]] = [[], []];
  let errors = 0;
  const deadline = performance.now() + DURATION_MS;
  for (let round = 0; performance.now() < deadline; round++) {
    const p = path();
    for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      const res = await fetch(bases[i]! + p);
      await res.arrayBuffer();
      if (res.status === 200) latencies[i]!.push(performance.now() - t0);
      else errors++;
    }
  }
  const [small, large] = latencies.map((l) => l.sort((a, b) => a - b)) as [number[], number[]];
  return { n: small.length, errors, small: { p50: percentile(small, 50), p90: percentile(small, 90) }, large: { p50: percentile(large, 50), p90: percentile(large, 90) } };
}

/** EXPLAIN ANALYZE of the statements the main searches run (economy, and the business and first cabins), on the large dataset. */
async function explain(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const captured: { query: string; params: unknown[] }[] = [];
  const db = drizzle(sql, { schema, logger: { logQuery: (query, params) => captured.push({ query, params }) } });
  /** The statement `search` runs first: the search itself (the itineraries' leg lookup comes after). */
  const statementOf = async (search: () => Promise<unknown>) => {
    captured.length = 0;
    await search();
    return captured[0];
  };
  const all = buildRoutes();
  const r = all.filter((x) => x.domestic)[0]!;
  const b = all.filter((x) => x.domestic && flies(x.model, "business"))[0]!;
  const f = all.filter((x) => flies(x.model, "first"))[0]!;
  const date = addDays(START, 3);
  const flightSearch = (route: typeof r, cabin: CabinClass) => () =>
    searchFlights(db, { from: route.origin.code, to: route.destination.code, date, passengers: 2, cabin, limit: 20, sort: "price" });
  const itineraries = (cabin: CabinClass, sort: string) => () =>
    searchItineraries(db, { from: "GOI", to: "CCU", date, passengers: 2, cabin, maxStops: 1, limit: 20, sort });
  const plans: [string, () => Promise<unknown>][] = [
    [`flight search (${r.origin.code}→${r.destination.code}, route + date, sort=price, passengers=2)`, flightSearch(r, "economy")],
    ["itineraries (GOI→CCU, sort=duration)", itineraries("economy", "duration")],
    [`flight search, cabin=business (${b.origin.code}→${b.destination.code}, sort=price, passengers=2)`, flightSearch(b, "business")],
    [`flight search, cabin=first (${f.origin.code}→${f.destination.code}, sort=price, passengers=2)`, flightSearch(f, "first")],
    ["itineraries, cabin=business (GOI→CCU, sort=price)", itineraries("business", "price")],
  ];
  for (const [title, search] of plans) {
    const statement = await statementOf(search);
    if (!statement) continue;
    const plan = await sql.unsafe(`explain (analyze, buffers, costs off) ${statement.query}`, statement.params as never[]);
    out(`\n-- EXPLAIN ${title}`);
    for (const row of plan) out(String(Object.values(row)[0]));
  }
  await sql.end();
}

async function main() {
  out(`# bench:search — ${new Date().toISOString()}`);
  out(`${machineLine()}; ${DURATION_MS / 1000} s per cell`);
  const key = await generateSigningKey();
  const jwks = JSON.stringify({ keys: [publicJwk(key)] });
  const servers: { name: string; server: HostedWorker; url: string }[] = [];
  for (const d of DATASETS) {
    const url = await ensureDataset(d.name, d.flights);
    // No answer store: every request is a database search (the stream repeats its URLs cell to cell).
    servers.push({ name: d.name, url, server: await serveWorker(search, { DATABASE_URL: url, JWT_PUBLIC_JWKS: jwks, SEARCH_CACHE_SECONDS: "0" }) });
  }

  const results = new Map<string, Result>();
  out("\n| flights | query | concurrency | req/s | p50 ms | p99 ms | errors |");
  out("|---|---|---:|---:|---:|---:|---:|");
  for (const query of selected()) {
    for (const concurrency of CONCURRENCY) {
      for (const { name, server } of servers) {
        await load(server.url, queries()[query], 4); // warm-up
        const r = await load(server.url, queries()[query], concurrency);
        results.set(`${name}|${query}|${concurrency}`, r);
        out(`| ${name} | ${query} | ${concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`);
      }
    }
  }
  out("\n| query | concurrency | p50 1M ÷ 10k | req/s 10k ÷ 1M |");
  out("|---|---:|---:|---:|");
  for (const query of selected()) {
    for (const concurrency of CONCURRENCY) {
      const small = results.get(`10k|${query}|${concurrency}`)!;
      const large = results.get(`1M|${query}|${concurrency}`)!;
      out(`| ${query} | ${concurrency} | ${(large.p50 / small.p50).toFixed(2)} | ${(small.rps / large.rps).toFixed(2)} |`);
    }
  }
  out("\n| query | interleaved pairs | p50 10k ms | p50 1M ms | p50 1M ÷ 10k | p90 1M ÷ 10k | errors |");
  out("|---|---:|---:|---:|---:|---:|---:|");
  let interleavedErrors = 0;
  for (const query of selected()) {
    const r = await interleaved([servers[0]!.server.url, servers[servers.length - 1]!.server.url], queries()[query]);
    interleavedErrors += r.errors;
    out(
      `| ${query} | ${r.n} | ${r.small.p50.toFixed(1)} | ${r.large.p50.toFixed(1)} | ${(r.large.p50 / r.small.p50).toFixed(2)} | ` +
        `${(r.large.p90 / r.small.p90).toFixed(2)} | ${r.errors} |`,
    );
  }
  await explain(servers[servers.length - 1]!.url);
  for (const s of servers) await s.server.close();
  await disconnectAll();
  const failed = interleavedErrors > 0 || [...results.values()].some((r) => r.errors > 0);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`bench:search failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
