// Node: one pool per database URL for the life of the process.
import postgres from "postgres";

const pools = new Map<string, postgres.Sql>();

export function connect(url: string): postgres.Sql {
  let sql = pools.get(url);
  if (!sql) {
    sql = postgres(url, { max: Number(process.env.PG_POOL_MAX ?? 10), onnotice: () => {} });
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
