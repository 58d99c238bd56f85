// The gateway's overhead: the same requests through the gateway and straight to the worker,
// on Node and under wrangler dev (workerd), in one run.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { disconnectAll } from "#db-connection";
import postgres from "postgres";
import { seedCatalog } from "../db/seed/index";
import { publicJwk } from "../shared/auth/jwk";
import { httpService } from "../shared/http/forward";
import { generateSigningKey } from "../scripts/lib/keys";
import { serveWorker } from "../scripts/lib/node-host";
import { freePort } from "../scripts/lib/processes";
import { startWranglerDev } from "../scripts/lib/wrangler";
import booking from "../workers/booking/index";
import gateway from "../workers/gateway/index";
import search from "../workers/search/index";
import { closedLoops, customerTokens, machineLine, rateAndLatency, withThrowawayDatabase } from "./lib/common";

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4_000);
const CONCURRENCY = 16;
console.log = () => {};
const out = (line = "") => process.stdout.write(`${line}\n`);

const load = async (request: () => Promise<Response>, expected: number) =>
  rateAndLatency(await closedLoops(CONCURRENCY, DURATION_MS, expected, request));

async function main() {
  out(`# bench:gateway — ${new Date().toISOString()}`);
  out(`${machineLine()}; concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per cell`);
  await withThrowawayDatabase("gateway", async (url) => {
    const work = await mkdtemp(path.join(os.tmpdir(), "airline-bench-gw-"));
    const stops: (() => Promise<void>)[] = [];
    try {
      const sql = postgres(url, { max: 3, onnotice: () => {} });
      const start = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await seedCatalog(sql, { days: 1, startDate: start });
      const [user] = await sql`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench', 'x') returning id`;
      // Holds spread over the day's flights: enough seats for every cell, little contention.
      const flightIds = (await sql`select id from flights where departure_time > now()`).map((f) => f.id as string);
      const key = await generateSigningKey();
      const [token] = await customerTokens(url, key, [user!.id]);
      const vars = {
        DATABASE_URL: url,
        JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(key)] }),
        RATE_LIMIT_API: "1000000",
      };
      const searchPath = `/api/v1/flights?from=DEL&to=BOM&date=${start}&sort=price`;
      const hold = (base: string) => () =>
        fetch(`${base}/api/v1/bookings`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ flightId: flightIds[Math.floor(Math.random() * flightIds.length)], passengers: [{ name: "Bench" }] }),
        });
      const resetSeats = async () => {
        await sql`update seats set booking_id = null, held_until = null where booking_id is not null`;
        await sql`truncate outbox_events, idempotency_keys, booking_passengers, payments, refunds, bookings cascade`;
      };

      // Node: the workers served by @hono/node-server, the gateway reaching them over HTTP.
      const s = await serveWorker(search, vars);
      const b = await serveWorker(booking, vars);
      const g = await serveWorker(gateway, { ...vars, SEARCH: httpService(s.url), BOOKING: httpService(b.url) });
      stops.push(g.close, b.close, s.close);
      // workerd: the same workers under wrangler dev, the gateway reaching them by service binding.
      const common = { dataDir: work, registryPath: path.join(work, "registry") };
      const ws = await startWranglerDev({ ...common, name: "search", port: await freePort(), vars });
      const wb = await startWranglerDev({ ...common, name: "booking", port: await freePort(), vars });
      const wg = await startWranglerDev({ ...common, name: "gateway", port: await freePort(), vars });
      stops.push(wg.stop, wb.stop, ws.stop);

      const targets = [
        { runtime: "Node", gateway: g.url, search: s.url, booking: b.url },
        { runtime: "wrangler dev", gateway: wg.url, search: ws.url, booking: wb.url },
      ];
      const rows: { runtime: string; scenario: string; via: string; r: Awaited<ReturnType<typeof load>> }[] = [];
      out("\n| runtime | request | via | req/s | p50 ms | p99 ms | errors |");
      out("|---|---|---|---:|---:|---:|---:|");
      for (const t of targets) {
        for (const via of ["direct", "gateway"] as const) {
          const base = via === "gateway" ? t.gateway : t.search;
          await load(() => fetch(base + searchPath), 200);
          const r = await load(() => fetch(base + searchPath), 200);
          rows.push({ runtime: t.runtime, scenario: "repeated search", via, r });
          out(`| ${t.runtime} | repeated search | ${via} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`);
        }
        for (const via of ["direct", "gateway"] as const) {
          await resetSeats();
          const r = await load(hold(via === "gateway" ? t.gateway : t.booking), 201);
          rows.push({ runtime: t.runtime, scenario: "booking hold", via, r });
          out(`| ${t.runtime} | booking hold | ${via} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`);
        }
      }
      out("\n| runtime | request | throughput gateway ÷ direct | p50 gateway ÷ direct |");
      out("|---|---|---:|---:|");
      for (const t of targets) {
        for (const scenario of ["repeated search", "booking hold"]) {
          const d = rows.find((x) => x.runtime === t.runtime && x.scenario === scenario && x.via === "direct")!.r;
          const v = rows.find((x) => x.runtime === t.runtime && x.scenario === scenario && x.via === "gateway")!.r;
          out(`| ${t.runtime} | ${scenario} | ${(v.rps / d.rps).toFixed(2)} | ${(v.p50 / d.p50).toFixed(2)} |`);
        }
      }
      await resetSeats();
      await sql.end();
      process.exitCode = rows.some((x) => x.r.errors > 0) ? 1 : 0;
    } finally {
      for (const stop of stops) await stop().catch(() => {});
      await disconnectAll();
      await rm(work, { recursive: true, force: true });
    }
  });
}

main().catch((err) => {
  process.stderr.write(`bench:gateway failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
