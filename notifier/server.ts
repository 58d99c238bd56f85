import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { within } from "../shared/async";
import { errorEnvelope } from "../shared/errors";
import { describeError, log } from "../shared/http/log";
import { type NotifierMetrics, renderMetrics } from "./metrics";

const CHECK_TIMEOUT_MS = 2_000;

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * GET /health ({status, checks: {database, nats}}, 503 naming what is down, like the gateway's)
 * and GET /metrics (Prometheus text) on the notifier's own port.
 */
export function serveHealthAndMetrics(options: {
  db: Database;
  metrics: NotifierMetrics;
  natsConnected: () => boolean;
  /** Milliseconds since the relay last completed a round (since start-up before it runs). */
  relaySinceProgress: () => number;
  relayStallMs: number;
  port: number;
  host: string;
}): Promise<HealthServer> {
  const app = new Hono();
  app.get("/health", async (c) => {
    // One query answers both: the database is up, and how long the oldest unpublished event waits.
    const oldest = await within(
      CHECK_TIMEOUT_MS,
      options.db.execute<{ ms: number | null }>(sql`
        select (extract(epoch from now() - min(occurred_at)) * 1000)::float8 as ms from outbox_events where published_at is null`),
    ).then(
      (rows) => rows[0]?.ms ?? 0,
      () => undefined,
    );
    const database = oldest === undefined ? ("down" as const) : ("ok" as const);
    // Stalled: events have waited longer than the threshold and the relay has not finished a round in as long.
    const stuck = options.relaySinceProgress() > options.relayStallMs && (oldest === undefined || oldest > options.relayStallMs);
    const checks = {
      database,
      nats: options.natsConnected() ? ("ok" as const) : ("down" as const),
      relay: stuck ? ("stalled" as const) : ("ok" as const),
    };
    const down = Object.entries(checks)
      .filter(([, v]) => v !== "ok")
      .map(([k]) => k);
    c.header("Cache-Control", "no-store");
    if (down.length === 0) return c.json({ status: "ok", checks }, 200);
    const requestId = crypto.randomUUID();
    return c.json({ status: "unavailable", checks, ...errorEnvelope("DEPENDENCY_UNAVAILABLE", `Down: ${down.join(", ")}.`, requestId, { down }) }, 503);
  });
  app.get("/metrics", async (c) => {
    try {
      const body = await within(CHECK_TIMEOUT_MS, renderMetrics(options.metrics, options.db, options.relaySinceProgress()));
      return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" });
    } catch (err) {
      log("warn", "metrics: the outbox gauges need the database", { worker: "notifier", error: describeError(err).error });
      return c.text("database unavailable\n", 503);
    }
  });

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: { port: number }) =>
      resolve({
        url: `http://${options.host === "0.0.0.0" ? "127.0.0.1" : options.host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      }),
    );
    server.once("error", reject);
  });
}
