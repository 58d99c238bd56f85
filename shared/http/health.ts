import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Database } from "../../db/client";

/** GET /health of a worker, for the gateway's /health: it answers and reaches its database. */
export async function databaseHealth(c: Context): Promise<Response> {
  await (c.get("db") as Database).execute(sql`select 1`);
  return c.json({ status: "ok" });
}
