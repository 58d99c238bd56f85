import { connect } from "#db-connection";
import { PgTransaction } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: domain functions accept both. */
export type Queryable = Database | Transaction;

/**
 * drizzle hands every statement to postgres.js `unsafe(…, { prepare: false })`, so PostgreSQL
 * parses and plans each one every time. Our statements are a fixed set with parameters: preparing
 * them (postgres.js keeps them per connection) cuts the database's work per booking noticeably.
 * Transactions get a client of their own from `begin`, so that is wrapped too. In workerd the
 * connection's own `prepare: false` (db/pool-workerd.ts) overrides this: there the connection lives
 * for one request, and preparing would cost as many round trips and break transaction pooling.
 */
function preparingStatements<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "unsafe") {
        return (query: string, params?: unknown[], options?: object) =>
          (target.unsafe as (q: string, p?: unknown[], o?: object) => unknown)(query, params, { ...options, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const work = args[last] as (tx: postgres.TransactionSql) => unknown;
          args[last] = (tx: postgres.TransactionSql) => work(preparingStatements(tx));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A drizzle handle over postgres.js. On Node the pool behind a URL is shared; in workerd each call
 * makes a per-request client (see db/pool-workerd.ts).
 */
export function createDatabase(url: string) {
  const sql = connect(url);
  let db = handles.get(sql);
  if (!db) {
    db = drizzle(preparingStatements(sql), { schema });
    handles.set(sql, db);
  }
  return db;
}

// One drizzle handle per client: on Node the pool is shared, so the handle is built once, not on
// every request; in workerd each request's client (and so its handle) is new and collected after.
const handles = new WeakMap<postgres.Sql, ReturnType<typeof drizzle<typeof schema>>>();

export { schema };

/**
 * Runs `work` in a transaction: the caller's, when `db` already is one (an idempotent request, a
 * batch that composes several verbs), else a new one. Domain verbs own their transaction this way
 * and still compose without savepoints.
 */
export function inTransaction<T>(db: Queryable, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db instanceof PgTransaction ? work(db as Transaction) : (db as Database).transaction(work);
}
