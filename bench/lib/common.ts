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
  return Promise.all(userIds.map((id) => issueAccessToken(config, { id, roles: ["customer"] })));
}
