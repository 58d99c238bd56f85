import net from "node:net";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, test } from "vitest";
import { createDatabase } from "../../db/client";
import { useTestDatabase } from "../support/database";

// PostgreSQL connections killed under load (a failover, a restart, pg_terminate_backend). With
// postgres.js 3.4.9 as published this crashed the whole process: a transaction's ROLLBACK, sent
// after its connection had closed, was written to a null socket from a setImmediate
// ("Cannot read properties of null (reading 'write')", porsager/postgres#1154, #1208). The fix is
// patches/postgres+3.4.9.patch (see patches/README.md); this test fails without it.

const database = useTestDatabase();

/** Errors a query may fairly fail with when its connection is killed. */
const CONNECTION_LOST = new Set(["CONNECTION_CLOSED", "ECONNRESET", "EPIPE", "57P01"]);

function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  return e.cause?.code ?? e.code ?? e.message ?? String(err);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

test("killing every backend during a burst fails only the work in flight, and the pool recovers", async () => {
  const faults: unknown[] = [];
  const onFault = (err: unknown) => faults.push(err);
  process.on("uncaughtException", onFault);
  process.on("unhandledRejection", onFault);
  // A connection of its own, on the same database, that the rounds below spare.
  const killer = postgres(database.url(), { max: 1, onnotice: () => {} });
  try {
    await database.sql()`create table connection_loss (id serial primary key, worker int not null)`;
    const db = createDatabase(database.url()); // the app's pool: max 10, fetch_types on

    let stop = false;
    let succeeded = 0;
    const failures = new Map<string, number>();
    const worker = async (i: number) => {
      while (!stop) {
        try {
          if (i % 2 === 0) {
            await db.transaction(async (tx) => {
              await tx.execute(sql`insert into connection_loss (worker) values (${i})`);
              await tx.execute(sql`select pg_sleep(0.01)`);
              await tx.execute(sql`select count(*) from connection_loss where worker = ${i}`);
            });
          } else {
            await db.execute(sql`select ${i}::int as worker, pg_sleep(0.002)`);
          }
          succeeded++;
        } catch (err) {
          failures.set(codeOf(err), (failures.get(codeOf(err)) ?? 0) + 1);
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i));

    const killed: number[] = [];
    for (let round = 0; round < 5; round++) {
      await sleep(400);
      const [row] = await killer<{ n: number }[]>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`;
      killed.push(row!.n);
    }
    await sleep(300);
    stop = true;
    // A query parked on a connection that is waiting out postgres.js's reconnect backoff may take
    // longer (the backoff grows with each connection reset, up to 20 s): not waited for here.
    await Promise.race([Promise.all(workers), sleep(3_000)]);

    expect(faults.map((f) => (f instanceof Error ? f.stack : String(f)))).toEqual([]);
    expect(killed[0]).toBeGreaterThan(0);
    expect(succeeded).toBeGreaterThan(0);
    const codes = [...failures.keys()];
    expect(codes.length, "the kills hit work in flight").toBeGreaterThan(0);
    expect(codes.filter((c) => !CONNECTION_LOST.has(c)), `failures: ${JSON.stringify(Object.fromEntries(failures))}`).toEqual([]);

    // After the fault: the pool serves statements and commits transactions again.
    await within(10_000, "statements after the fault", (async () => {
      for (let i = 0; i < 20; i++) {
        const rows = await db.execute<{ n: number }>(sql`select ${i}::int as n`);
        expect(rows[0]!.n).toBe(i);
      }
      for (let i = 0; i < 5; i++) {
        await db.transaction(async (tx) => {
          await tx.execute(sql`insert into connection_loss (worker) values (${100 + i})`);
        });
      }
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from connection_loss where worker >= 100`);
      expect(row!.n).toBe(5);
    })());
    expect(faults).toEqual([]);
  } finally {
    await killer.end({ timeout: 1 });
    process.off("uncaughtException", onFault);
    process.off("unhandledRejection", onFault);
  }
});

/**
 * A TCP relay to the test database that, the first time a client sends postgres.js's array-types
 * query (fetch_types: the first statement on every new connection), drops the query and has
 * PostgreSQL terminate that backend instead, so the driver's own query is the one in flight when
 * the connection dies. `reset`: the client then sees its socket reset (ECONNRESET), else the
 * backend's 57P01 and a clean close.
 */
async function typesQueryKiller(url: string, reset: boolean) {
  const target = new URL(url);
  const killer = postgres(url, { max: 1, onnotice: () => {} });
  const state = { killed: false };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    upstream.on("data", (d) => client.write(d));
    upstream.on("end", () => (state.killed && reset ? client.resetAndDestroy() : client.end()));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("end", () => upstream.end());
    client.on("data", (d) => {
      if (!state.killed && d.includes("pg_catalog.pg_type")) {
        state.killed = true;
        // (A postgres.js query runs once something awaits it.)
        killer`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'fetch-types-probe'`.catch(() => {});
        return;
      }
      upstream.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const proxied = new URL(url);
  proxied.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: proxied.href,
    state,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      await killer.end({ timeout: 1 });
    },
  };
}

describe("a connection killed while postgres.js loads its array types", () => {
  test.each([
    ["with the backend's 57P01 and a clean close", false],
    ["with a reset socket", true],
  ])("%s: no unhandled rejection, and the pool serves queries", async (_, reset) => {
    const faults: unknown[] = [];
    const onFault = (err: unknown) => faults.push(err);
    process.on("unhandledRejection", onFault);
    const relay = await typesQueryKiller(database.url(), reset);
    const client = postgres(relay.url, { max: 1, onnotice: () => {}, connection: { application_name: "fetch-types-probe" } });
    try {
      // The first query waits for the connection whose types query is killed. After a clean close
      // postgres.js reconnects and runs it; after a reset it fails with the connection.
      const first = await within(10_000, "first query", client`select 1 as x`.then((rows) => rows[0]!.x, (err) => codeOf(err)));
      expect(relay.state.killed).toBe(true);
      expect(first).toBe(reset ? "ECONNRESET" : 1);
      const [row] = await within(10_000, "next query", client`select 2 as x`);
      expect(row!.x).toBe(2);
      await sleep(50);
      expect(faults.map((f) => (f instanceof Error ? `${(f as { code?: string }).code} ${f.message}` : String(f)))).toEqual([]);
    } finally {
      process.off("unhandledRejection", onFault);
      await client.end({ timeout: 1 });
      await relay.close();
    }
  });
});
