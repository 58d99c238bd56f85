import { sql } from "drizzle-orm";
import type { AuthApp } from "../app";

/** Internal liveness for the gateway's /health: the worker answers and reaches its database. */
export function registerHealth(app: AuthApp) {
  app.get("/health", async (c) => {
    await c.var.db.execute(sql`select 1`);
    return c.json({ status: "ok" });
  });
}
