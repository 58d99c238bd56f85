import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Database } from "../../db/client";
import { within } from "../async";
import { errorEnvelope } from "../errors";

/** A worker's own database check answers within this, whatever the database does. */
const DATABASE_CHECK_MS = 1_500;

/**
 * GET /health of a worker, for the gateway's /health: `{status, checks: {database}}`, 200 when it
 * reaches its database in time, else 503 (the gateway reads `checks.database` from it, so the
 * gateway itself needs no database connection).
 */
export async function databaseHealth(c: Context): Promise<Response> {
  c.header("Cache-Control", "no-store");
  try {
    await within(DATABASE_CHECK_MS, (c.get("db") as Database).execute(sql`select 1`));
    return c.json({ status: "ok", checks: { database: "ok" } }, 200);
  } catch {
    const envelope = errorEnvelope("DEPENDENCY_UNAVAILABLE", "The database is unavailable.", c.get("requestId") ?? "unknown", { down: ["database"] });
    return c.json({ status: "unavailable", checks: { database: "down" }, ...envelope }, 503);
  }
}
