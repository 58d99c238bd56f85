// Node: one pool per database URL for the life of the process.
import postgres from "postgres";

const pools = new Map<string, postgres.Sql>();

export function connect(url: string): postgres.Sql {
  let sql = pools.get(url);
  if (!sql) {
    sql = postgres(url, {
      max: Number(process.env.PG_POOL_MAX ?? 10),
      onnotice: () => {},
      // After a failover, a restart or a pooler recycling connections, reconnect within a second
      // (postgres.js's own back-off grows to 20 s across the pool), and never wait long for a
      // server that does not answer: the request gets 503 and the client retries.
      backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
      connect_timeout: 5,
    });
    pools.set(url, sql);
  }
  return sql;
}

/** Closes every pool (tests and graceful shutdown). */
export async function disconnectAll(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((sql) => sql.end({ timeout: 5 })));
}
