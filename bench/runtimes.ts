// The whole system through the gateway on Node and under wrangler dev (workerd), in one run:
// flight searches over many routes and dates (no two alike, so no cache could answer them) and
// one-seat holds, at concurrency 1, 4 and 50, with the CPU time each runtime's processes spend
// per request. `npx tsx bench/runtimes.ts`; BENCH_DURATION_MS (default 8000) per cell,
// BENCH_RUNTIMES (comma list of node, deno, wrangler4, wrangler4-pooled, wrangler1-pooled,
// miniflare1-pooled; default all), BENCH_CONCURRENCY (default 1,4,50), SEARCH_CACHE_SECONDS (the
// search worker's answer store; 0 turns it off).
import { rm } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { Pool } from "undici";
import { seedCatalog } from "../db/seed/index";
import { buildRoutes } from "../db/seed/network";
import { publicJwk } from "../shared/auth/jwk";
import { generateSigningKey } from "../scripts/lib/keys";
import { type Child, freePort, spawnChild } from "../scripts/lib/processes";
import { startDenoHost } from "../scripts/lib/deno-host";
import { startWranglerDev, startWranglerDevTogether } from "../scripts/lib/wrangler";
import { closedLoops, customerTokens, type LoadRun, machineLine, rateAndLatency, withThrowawayDatabase } from "./lib/common";
import { postmasterPid, treeCpuMs } from "./lib/cpu";

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8_000);
const WARMUP_MS = 1_500;
const IDLE_MS = 5_000;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,4,50").split(",").map(Number);
const DAYS = 4;
const TSX = path.resolve("node_modules/.bin/tsx");
const out = (line = "") => process.stdout.write(`${line}\n`);

interface Running {
  url: string;
  /** Process trees whose CPU is this runtime's. */
  roots: number[];
  stop(): Promise<void>;
}

interface Runtime {
  key: string;
  name: string;
  start(vars: Record<string, string>, work: string): Promise<Running>;
}

/** Starts `tsx <script>` and resolves with what follows `prefix` on the line it prints when ready. */
async function startTsx(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, prefix: string) {
  let ready: (value: string) => void;
  const line = new Promise<string>((resolve) => (ready = resolve));
  const child = spawnChild(name, TSX, [script, ...args], {
    env: { ...process.env, ...env },
    echo: (l) => l.startsWith(prefix) && ready(l.slice(prefix.length).trim()),
  });
  const value = await Promise.race([
    line,
    child.exited.then((code) => Promise.reject(new Error(`${name} exited (${code}):\n${child.tail.join("\n")}`))),
  ]);
  return { child, value };
}

async function startPooler(databaseUrl: string): Promise<{ child: Child; url: string }> {
  const { child, value } = await startTsx("pooler", "scripts/dev-pooler.ts", [databaseUrl, "0", "10"], {}, "listening ");
  const url = new URL(databaseUrl);
  url.port = value;
  return { child, url: url.href };
}

const withPooler = async (vars: Record<string, string>, run: (vars: Record<string, string>) => Promise<Running>): Promise<Running> => {
  const pooler = await startPooler(vars.DATABASE_URL!);
  try {
    const running = await run({ ...vars, DATABASE_URL: pooler.url });
    return {
      ...running,
      roots: [...running.roots, pooler.child.process.pid!],
      stop: async () => {
        await running.stop();
        await pooler.child.stop();
      },
    };
  } catch (err) {
    await pooler.child.stop();
    throw err;
  }
};

const WORKERS = ["auth", "search", "booking", "gateway"] as const;

async function fourProcesses(vars: Record<string, string>, work: string): Promise<Running> {
  const common = { dataDir: work, registryPath: path.join(work, "registry"), vars };
  const children: (Child & { url: string })[] = [];
  try {
    for (const name of WORKERS) children.push(await startWranglerDev({ ...common, name, port: await freePort() }));
  } catch (err) {
    await Promise.all(children.map((c) => c.stop()));
    throw err;
  }
  return {
    url: children.at(-1)!.url,
    roots: children.map((c) => c.process.pid!),
    stop: async () => void (await Promise.all(children.map((c) => c.stop()))),
  };
}

async function oneProcess(vars: Record<string, string>, work: string): Promise<Running> {
  const child = await startWranglerDevTogether({
    workers: ["gateway", "auth", "search", "booking"].map((name) => ({ name, vars })),
    port: await freePort(),
    dataDir: work,
    registryPath: path.join(work, "registry"),
  });
  return { url: child.url, roots: [child.process.pid!], stop: () => child.stop() };
}

/** The four workers on Deno, as `npm run start:deno` runs them (one process, in-process bindings). */
async function denoHost(vars: Record<string, string>): Promise<Running> {
  const child = await startDenoHost({ vars: { auth: vars, search: vars, booking: vars, gateway: vars }, port: 0, entry: "bench/lib/serve-deno.ts" });
  return { url: child.url, roots: [child.process.pid!], stop: () => child.stop() };
}

const runtimes: Runtime[] = [
  {
    key: "node",
    name: "Node",
    async start(vars) {
      const { child, value } = await startTsx("node-workers", "bench/lib/serve-node.ts", [], { BENCH_NODE_VARS: JSON.stringify(vars) }, "ready ");
      return { url: value, roots: [child.process.pid!], stop: () => child.stop() };
    },
  },
  { key: "deno", name: "Deno", start: (vars) => denoHost(vars) },
  {
    key: "wrangler4",
    name: "wrangler dev ×4, per-request connections",
    start: (vars, work) => fourProcesses(vars, path.join(work, "w4")),
  },
  {
    key: "wrangler4-pooled",
    name: "wrangler dev ×4 + pooler",
    start: (vars, work) => withPooler(vars, (v) => fourProcesses(v, path.join(work, "w4p"))),
  },
  {
    key: "wrangler1-pooled",
    name: "wrangler dev ×1 + pooler",
    start: (vars, work) => withPooler(vars, (v) => oneProcess(v, path.join(work, "w1p"))),
  },
  {
    key: "miniflare1-pooled",
    name: "Miniflare ×1 + pooler (prototype)",
    start: (vars, work) =>
      withPooler(vars, async (v) => {
        const { child, value } = await startTsx(
          "miniflare",
          "bench/lib/miniflare-host.ts",
          [path.join(work, "mf")],
          { BENCH_MINIFLARE_VARS: JSON.stringify(v) },
          "ready ",
        );
        return { url: value, roots: [child.process.pid!], stop: () => child.stop() };
      }),
  },
];

interface Row {
  runtime: string;
  request: string;
  concurrency: number;
  r: ReturnType<typeof rateAndLatency>;
  cpu: number;
  /** CPU per request less what the runtime burns idle over the same time. */
  net: number;
  pg: number;
}

async function main() {
  const selected = (process.env.BENCH_RUNTIMES ?? runtimes.map((r) => r.key).join(",")).split(",");
  out(`# bench:runtimes — ${new Date().toISOString()}`);
  out(`${machineLine()}; ${DURATION_MS / 1000} s per cell after ${WARMUP_MS / 1000} s of warm-up`);
  const pm = postmasterPid();
  await withThrowawayDatabase("runtimes", async (url) => {
    const work = path.resolve(".data", `bench-runtimes-${process.pid}`);
    const sql = postgres(url, { max: 3, onnotice: () => {} });
    const first = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await seedCatalog(sql, { days: DAYS, startDate: first });
    const dates = Array.from({ length: DAYS }, (_, i) => new Date(Date.parse(first) + i * 86_400_000).toISOString().slice(0, 10));
    const users = await sql`insert into users (email, name, password_hash)
      select 'bench' || i || '@example.com', 'Bench ' || i, 'x' from generate_series(1, 64) i returning id`;
    const flightIds = (await sql`select id from flights where departure_time > now() + interval '1 hour'`).map((f) => f.id as string);
    const key = await generateSigningKey();
    const tokens = await customerTokens(url, key, users.map((u) => u.id as string));
    const vars = {
      DATABASE_URL: url,
      JWT_PRIVATE_JWK: JSON.stringify(key),
      JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(key)] }),
      RATE_LIMIT_API: "1000000",
      BCRYPT_COST: "4",
      // SEARCH_CACHE_SECONDS=0: every search reaches the database (the searches repeat after 1,488).
      ...(process.env.SEARCH_CACHE_SECONDS ? { SEARCH_CACHE_SECONDS: process.env.SEARCH_CACHE_SECONDS } : {}),
    };
    const routes = buildRoutes();
    const sorts = ["price", "departureTime", "-price,duration", "arrivalTime"];
    let n = 0;
    // Route × date × passengers × sort: thousands of distinct searches, taken in a scattered order.
    const searchPath = () => {
      const i = n++;
      const route = routes[(i * 7919) % routes.length]!;
      return `/api/v1/flights?from=${route.origin.code}&to=${route.destination.code}&date=${dates[i % DAYS]}` +
        `&passengers=${1 + (i % 3)}&sort=${sorts[(i >> 2) % sorts.length]}`;
    };
    const holdBody = () =>
      JSON.stringify({ flightId: flightIds[Math.floor(Math.random() * flightIds.length)], passengers: [{ name: "Bench" }] });
    out(`${routes.length} routes × ${DAYS} days × 3 passenger counts × ${sorts.length} sorts; holds over ${flightIds.length} flights`);

    const rows: Row[] = [];
    const idle: string[] = [];
    out("\n| runtime | request | concurrency | req/s | p50 ms | p99 ms | errors | runtime CPU ms/req | … less idle | PostgreSQL CPU ms/req |");
    out("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const runtime of runtimes.filter((r) => selected.includes(r.key))) {
      const running = await runtime.start(vars, work);
      // Idle: what the runtime's processes burn with nothing to do (file watchers, timers, proxies).
      await new Promise((r) => setTimeout(r, 2_000));
      const idle0 = treeCpuMs(running.roots);
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const idlePerSecond = (treeCpuMs(running.roots) - idle0) / (IDLE_MS / 1000);
      idle.push(`${runtime.name}: ${idlePerSecond.toFixed(1)} ms CPU/s`);
      const pool = new Pool(running.url, { connections: 64, pipelining: 1 });
      const send = (request: "search" | "hold", loop: number) =>
        (request === "search"
          ? pool.request({ path: searchPath(), method: "GET" })
          : pool.request({
              path: "/api/v1/bookings",
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${tokens[loop % tokens.length]}` },
              body: holdBody(),
            })
        ).then(async (res) => {
          await res.body.arrayBuffer();
          return { status: res.statusCode, arrayBuffer: async () => new ArrayBuffer(0) } as unknown as Response;
        });
      try {
        for (const request of ["search", "hold"] as const) {
          const expected = request === "search" ? 200 : 201;
          for (const concurrency of CONCURRENCY) {
            await closedLoops(concurrency, WARMUP_MS, expected, (loop) => send(request, loop));
            const cpu0 = treeCpuMs(running.roots);
            const pg0 = pm ? treeCpuMs([pm]) : 0;
            const run: LoadRun = await closedLoops(concurrency, DURATION_MS, expected, (loop) => send(request, loop));
            const done = Math.max(1, run.latencies.length);
            const row: Row = {
              runtime: runtime.name,
              request,
              concurrency,
              r: rateAndLatency(run),
              cpu: (treeCpuMs(running.roots) - cpu0) / done,
              net: (treeCpuMs(running.roots) - cpu0 - idlePerSecond * run.seconds) / done,
              pg: pm ? (treeCpuMs([pm]) - pg0) / done : NaN,
            };
            rows.push(row);
            out(
              `| ${row.runtime} | ${request} | ${concurrency} | ${row.r.rps.toFixed(1)} | ${row.r.p50.toFixed(1)} | ` +
                `${row.r.p99.toFixed(1)} | ${row.r.errors} | ${row.cpu.toFixed(2)} | ${row.net.toFixed(2)} | ${row.pg.toFixed(2)} |`,
            );
          }
        }
      } finally {
        await pool.close();
        await running.stop();
      }
    }

    const node = runtimes[0]!.name;
    const others = [...new Set(rows.map((r) => r.runtime))].filter((r) => r !== node);
    if (rows.some((r) => r.runtime === node) && others.length > 0) {
      out("\n| runtime | request | concurrency | req/s ÷ Node | runtime CPU/req ÷ Node (less idle) |");
      out("|---|---|---:|---:|---:|");
      for (const name of others) {
        for (const row of rows.filter((r) => r.runtime === name)) {
          const base = rows.find((r) => r.runtime === node && r.request === row.request && r.concurrency === row.concurrency)!;
          out(`| ${name} | ${row.request} | ${row.concurrency} | ${(row.r.rps / base.r.rps).toFixed(3)} | ${(row.net / base.net).toFixed(1)} |`);
        }
      }
    }
    out(`\nIdle, before any load: ${idle.join("; ")}.`);
    out("\nPostgreSQL CPU is the whole server's (other work on the machine included); runtime CPU is the");
    out("runtime's process trees (workerd, wrangler's Node and esbuild, the pooler), not the load driver.");
    await sql.end();
    await rm(work, { recursive: true, force: true });
    process.exitCode = rows.some((r) => r.r.errors > 0) ? 1 : 0;
  });
}

main().catch((err) => {
  process.stderr.write(`bench:runtimes failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
