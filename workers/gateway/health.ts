import { sql } from "drizzle-orm";
import { createDatabase } from "../../db/client";
import { errorEnvelope } from "../../shared/errors";
import type { GatewayApp } from "./app";
import { upstreams } from "./config";
import { serviceFor } from "./proxy";

type Check = "ok" | "down";

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
  ]);
}

/** GET /health: the database and every worker behind the gateway; 503 naming what is down. */
export function registerHealth(app: GatewayApp) {
  app.get("/health", async (c) => {
    const { config } = c.var;
    const probes: Record<string, () => Promise<unknown>> = {
      database: () => createDatabase(config.DATABASE_URL).execute(sql`select 1`),
    };
    for (const upstream of upstreams) {
      probes[upstream.name] = async () => {
        const res = await serviceFor(c, upstream).fetch(
          new Request("http://internal/health", { headers: { "x-request-id": c.var.requestId } }),
        );
        if (!res.ok) throw new Error(`status ${res.status}`);
      };
    }
    const names = Object.keys(probes);
    const results = await Promise.allSettled(names.map((name) => within(config.HEALTH_TIMEOUT_MS, probes[name]!())));
    const checks: Record<string, Check> = {};
    names.forEach((name, i) => {
      checks[name] = results[i]?.status === "fulfilled" ? "ok" : "down";
    });
    const down = names.filter((name) => checks[name] === "down");
    c.header("Cache-Control", "no-store");
    if (down.length === 0) return c.json({ status: "ok", checks }, 200);
    return c.json(
      {
        status: "unavailable",
        checks,
        ...errorEnvelope("DEPENDENCY_UNAVAILABLE", `Down: ${down.join(", ")}.`, c.var.requestId, { down }),
      },
      503,
    );
  });
}
