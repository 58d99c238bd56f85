import { within } from "../../shared/async";
import { errorEnvelope } from "../../shared/errors";
import type { GatewayApp } from "./env";
import { serviceFor } from "./proxy";
import { type Upstream, upstreams } from "./routes";

type Check = "ok" | "down";

/**
 * GET /health: every worker behind the gateway and the database, each within HEALTH_TIMEOUT_MS;
 * 503 naming what is down. The gateway holds no database connection: the database is up when a
 * worker reports that it reached it (each worker's /health checks its own), and down when none can.
 */
export function registerHealth(app: GatewayApp) {
  app.get("/health", async (c) => {
    const names = Object.keys(upstreams) as Upstream[];
    const probes = names.map(async (name) => {
      const res = await within(
        c.var.config.HEALTH_TIMEOUT_MS,
        serviceFor(c, name).fetch(new Request("http://internal/health", { headers: { "x-request-id": c.var.requestId } })),
      );
      const body = (await within(c.var.config.HEALTH_TIMEOUT_MS, res.json()).catch(() => undefined)) as { checks?: { database?: Check } } | undefined;
      // A worker that answers its health check is up, even while it reports its database down.
      const database = body?.checks?.database;
      return { up: res.ok || database === "down", database };
    });
    const results = await Promise.allSettled(probes);
    const checks: Record<string, Check> = { database: "down" };
    names.forEach((name, i) => {
      const result = results[i]!;
      checks[name] = result.status === "fulfilled" && result.value.up ? "ok" : "down";
      if (result.status === "fulfilled" && result.value.database === "ok") checks.database = "ok";
    });
    const down = Object.keys(checks).filter((name) => checks[name] === "down");
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
