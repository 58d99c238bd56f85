import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgPooler, startPgPooler } from "../../scripts/lib/pg-pooler";
import { useTestDatabase } from "../support/database";

// npm start's pooling relay: many short-lived clients (as workerd opens one per request), few
// server connections, transactions kept whole, nothing left behind by a client that walks away.
const db = useTestDatabase();
let pooler: PgPooler;
let pooled: string;

// What a worker's per-request client is in workerd (db/pool-workerd.ts), here on Node.
const client = () => postgres(pooled, { max: 1, fetch_types: false, prepare: false, onnotice: () => {} });

beforeAll(async () => {
  pooler = await startPgPooler({ target: db.url(), max: 3 });
  pooled = pooler.urlFor(db.url());
});

afterAll(async () => {
  await pooler?.close();
});

describe("pg-pooler", () => {
  it("serves many clients on a few server connections, with parameters and transactions", async () => {
    const before = pooler.stats().serverConnections;
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const sql = client();
        try {
          const [row] = await sql`select ${i}::int + 1 as n, current_database() as db`;
          const inTx = await sql.begin(async (tx) => {
            await tx`select pg_sleep(0.01)`;
            const [first] = await tx`select txid_current()::text as xid`;
            const [second] = await tx`select txid_current()::text as xid`;
            return first!.xid === second!.xid; // both statements ran in one server transaction
          });
          return { n: row!.n as number, inTx };
        } finally {
          await sql.end();
        }
      }),
    );
    expect(results.map((r) => r.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.every((r) => r.inTx)).toBe(true);
    expect(pooler.stats().serverConnections - before).toBeLessThanOrEqual(3);
    expect(pooler.stats().clientSessions).toBeGreaterThanOrEqual(30);
  });

  it("closes a server connection whose client left inside a transaction (its locks go with it)", async () => {
    await db.sql()`create table if not exists pooler_probe (id int primary key)`;
    await db.sql()`insert into pooler_probe values (1) on conflict do nothing`;
    // A client takes a row lock and disappears without committing, as a request cut short would.
    const socket = client();
    await socket`begin`;
    await socket`select * from pooler_probe where id = 1 for update`;
    await socket.end({ timeout: 0 });
    // Another client gets the lock: the abandoned transaction did not stay in the pool (it would
    // hold the lock for good); lock_timeout turns a leak into a failure instead of a hang.
    const sql = client();
    try {
      const rows = await sql.begin(async (tx) => {
        await tx`set local lock_timeout = '3s'`;
        return tx`select id from pooler_probe where id = 1 for update`;
      });
      expect(rows[0]?.id).toBe(1);
    } finally {
      await sql.end();
    }
  });

  it("reports errors and stays usable after one", async () => {
    const sql = client();
    try {
      await expect(sql`select 1/0`).rejects.toThrow(/division by zero/);
      await expect(sql.begin((tx) => tx`select no_such_column from pg_class`)).rejects.toThrow(/no_such_column/);
      const [row] = await sql`select 2 as two`;
      expect(row?.two).toBe(2);
    } finally {
      await sql.end();
    }
  });
});
