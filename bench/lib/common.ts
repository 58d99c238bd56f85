// What every benchmark shares: the server its databases live on, throwaway databases, the machine
// line, percentiles and access tokens.
import os from "node:os";
import postgres from "postgres";
import { migrateDatabase } from "../../db/migrate";
import type { PrivateJwk } from "../../shared/auth/jwk";
import { parseConfig } from "../../shared/config";
import { AuthConfigSchema } from "../../workers/auth/config";
import { issueAccessToken } from "../../workers/auth/domain/access-tokens";

/** The PostgreSQL server the benchmarks create their databases on (trust auth on localhost by default). */
export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of database `name` on BENCH_SERVER_URL's server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Creates a migrated database `airline_bench_<name>_<random>`, hands its URL to `body`, and drops
 * it afterwards (forcing out any connection left), whatever happened.
 */
export async function withThrowawayDatabase<T>(name: string, body: (url: string) => Promise<T>): Promise<T> {
  const database = `airline_bench_${name}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = postgres(BENCH_SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${database}`);
    try {
      const url = benchDatabaseUrl(database);
      await migrateDatabase(url);
      return await body(url);
    } finally {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** The line every benchmark prints under its title: cores, CPU model and Node version. */
export const machineLine = () =>
  `machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;

/** Nearest-rank percentile of an ascending array; NaN for an empty one. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Customer access tokens for these users, as the auth worker issues them with `key`. */
export function customerTokens(databaseUrl: string, key: PrivateJwk, userIds: string[]): Promise<string[]> {
  const config = parseConfig(AuthConfigSchema, { DATABASE_URL: databaseUrl, JWT_PRIVATE_JWK: JSON.stringify(key) });
  return Promise.all(userIds.map((id) => issueAccessToken(config, { id, roles: ["customer"] }, crypto.randomUUID())));
}

/** What `closedLoops` measured: successful answers' latencies (ms, ascending), the rest as errors. */
export interface LoadRun {
  latencies: number[];
  errors: number;
  seconds: number;
}

/**
 * `concurrency` closed loops for `durationMs`, each sending its next request (`send(loop, round)`)
 * as soon as the previous one answered. The body is read (it is part of the response time, and an
 * unread one would hold the socket); an answer with another status than `expected`, or a failed
 * request, counts as an error.
 */
export async function closedLoops(
  concurrency: number,
  durationMs: number,
  expected: number,
  send: (loop: number, round: number) => Promise<Response>,
): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let round = 0; performance.now() < deadline; round++) {
        const t0 = performance.now();
        const res = await send(loop, round).catch(() => undefined);
        await res?.arrayBuffer().catch(() => undefined);
        if (res?.status === expected) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors, seconds: (performance.now() - started) / 1000 };
}

/** Requests per second, p50 and p99 of a run. */
export const rateAndLatency = (run: LoadRun) => ({
  rps: run.latencies.length / run.seconds,
  p50: percentile(run.latencies, 50),
  p99: percentile(run.latencies, 99),
  errors: run.errors,
});

/**
 * Runs a benchmark's main and sets the exit code from it. exitCode rather than process.exit: the
 * process ending on its own shows nothing was left open.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
