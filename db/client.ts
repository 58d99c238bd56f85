import { connect } from "#db-connection";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: domain functions accept both. */
export type Queryable = Database | Transaction;

/**
 * A drizzle handle over postgres.js. On Node the pool behind a URL is shared; in workerd each call
 * makes a per-request client (see db/pool-workerd.ts).
 */
export function createDatabase(url: string) {
  return drizzle(connect(url), { schema });
}

export { schema };
