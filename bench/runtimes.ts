// The whole system through the gateway on each runtime it can be started on, in one run: flight
// searches over many routes and dates (no two alike, so no cache could answer them) and one-seat
// holds, at concurrency 1, 4 and 50, with the CPU time each runtime's processes spend per request.
// `npm run bench:runtimes`; BENCH_DURATION_MS (default 8000) per cell, BENCH_CONCURRENCY (default
// 1,4,50), BENCH_RUNTIMES (comma list of the keys below; default those marked `byDefault`).
//
// Adding a runtime: one entry in `runtimes` whose start() serves the gateway (with the three
// workers behind it) on a URL, with the variables it is given, and says which process trees are
// its own (their CPU is charged to it) and how to stop it.
import { availableParallelism } from "node:os";
import { rm } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { Pool } from "undici";
import { seedCatalog } from "../db/seed/index";
import { buildRoutes } from "../db/seed/network";
import { publicJwk } from "../shared/auth/jwk";
import { generateSigningKey } from "../scripts/lib/keys";
import { startDenoHost } from "../scripts/lib/deno-host";
import { bundleWorkers } from "../scripts/lib/miniflare";
import { type Child, freePort, spawnChild } from "../scripts/lib/processes";
import { forkTs, readyMessage } from "../scripts/lib/supervisor";
import { startWranglerDevTogether } from "../scripts/lib/wrangler";
import type { NodeHostOptions } from "../scripts/serve-node";
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
  byDefault: boolean;
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

/** Forks a TypeScript host that reports `{type: "ready", url}` (scripts/lib/supervisor.ts), its stdout (request logs) discarded. */
async function startHost(script: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const child = forkTs(script, [], { ...process.env, ...env }, "ignore");
  child.stderr?.resume();
  const { url } = await readyMessage<{ url: string }>(child).catch((err) => {
    child.kill("SIGKILL");
    throw err;
  });
  return {
    url,
    roots: [child.pid!],
    stop: async () => {
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

async function startPooler(databaseUrl: string): Promise<{ child: Child; url: string }> {
  const { child, value } = await startTsx("pooler", "scripts/dev-pooler.ts", [databaseUrl, "0", "10"], {}, "listening ");
  const url = new URL(databaseUrl);
  url.port = value;
  return { child, url: url.href };
}

/** The runtime behind the development pooling relay (a process of its own, its CPU the runtime's). */
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

/** scripts/serve-node.ts options: every worker on a port of its own, the gateway last. */
async function nodeHostOptions(vars: Record<string, string>, bindings: "in-process" | "http"): Promise<NodeHostOptions> {
  const ports = await Promise.all(WORKERS.map(() => freePort()));
  return { workers: WORKERS.map((name, i) => ({ name, port: ports[i]!, vars })), bindings };
}

const nodeProcess = async (vars: Record<string, string>, bindings: "in-process" | "http") =>
  startHost("scripts/serve-node.ts", { NODE_HOST_OPTIONS: JSON.stringify(await nodeHostOptions(vars, bindings)) });

const nodeCluster = async (vars: Record<string, string>, bindings: "in-process" | "http") =>
  startHost("bench/lib/serve-cluster.ts", {
    NODE_HOST_OPTIONS: JSON.stringify(await nodeHostOptions(vars, bindings)),
    NODE_PROCESSES: String(availableParallelism()),
  });

/** The four workers on Deno, as `npm run start:deno` runs them (one process, in-process bindings). */
async function denoHost(vars: Record<string, string>): Promise<Running> {
  const child = await startDenoHost({ vars: { auth: vars, search: vars, booking: vars, gateway: vars }, port: 0, entry: "bench/lib/serve-deno.ts" });
  return { url: child.url, roots: [child.process.pid!], stop: () => child.stop() };
}

const runtimes: Runtime[] = [
  {
    key: "node-1-http",
    name: "Node, 1 process, HTTP between workers (start:node before)",
    byDefault: true,
    start: (vars) => nodeProcess(vars, "http"),
  },
  {
    key: "node-1",
    name: "Node, 1 process, in-process bindings",
    byDefault: true,
    start: (vars) => nodeProcess(vars, "in-process"),
  },
  {
    key: "node-cluster",
    name: `Node, ${availableParallelism()} processes (start:node)`,
    byDefault: true,
    start: (vars) => nodeCluster(vars, "in-process"),
  },
  {
    key: "node-cluster-http",
    name: `Node, ${availableParallelism()} processes, HTTP between workers`,
    byDefault: false,
    start: (vars) => nodeCluster(vars, "http"),
  },
  { key: "deno", name: "Deno (start:deno)", byDefault: true, start: (vars) => denoHost(vars) },
  {
    key: "workerd",
    name: "workerd: Miniflare + pooler (npm start)",
    byDefault: true,
    start: (vars, work) =>
      withPooler(vars, async (v) => {
        const bundleDir = path.join(work, "bundle");
        await bundleWorkers(WORKERS, bundleDir);
        const options = {
          workers: ["gateway", "auth", "search", "booking"],
          bundleDir,
          vars: Object.fromEntries(WORKERS.map((name) => [name, v])),
          hyperdriveUrl: v.DATABASE_URL,
          port: await freePort(),
        };
        return startHost("scripts/serve-workerd.ts", { WORKERD_OPTIONS: JSON.stringify(options) });
      }),
  },
  {
    key: "wrangler",
    name: "wrangler dev ×1 + pooler (npm run dev)",
    byDefault: true,
    start: (vars, work) =>
      withPooler(vars, async (v) => {
        const child = await startWranglerDevTogether({
          workers: ["gateway", "auth", "search", "booking"].map((name) => ({ name, vars: v })),
          port: await freePort(),
          dataDir: path.join(work, "wrangler"),
          registryPath: path.join(work, "wrangler", "registry"),
        });
        return { url: child.url, roots: [child.process.pid!], stop: () => child.stop() };
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
  const selected = (process.env.BENCH_RUNTIMES ?? runtimes.filter((r) => r.byDefault).map((r) => r.key).join(",")).split(",");
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
      // The answer cache off as well: this measures the database path (the cache is measured apart).
      SEARCH_CACHE_SECONDS: "0",
      BCRYPT_COST: "4",
    };
    const routes = buildRoutes();
    const sorts = ["price", "departureTime", "-price,duration", "arrivalTime"];
    let n = 0;
    // Route × date × passengers × sort: 744 × 4 × 3 × 4 distinct searches, each used once per
    // ~36,000 requests (the routes in a scattered order), so no cache answers them.
    const searchPath = () => {
      const i = n++;
      const r = routes.length;
      const route = routes[(i * 7919) % r]!;
      const date = dates[Math.floor(i / r) % DAYS];
      const passengers = 1 + (Math.floor(i / (r * DAYS)) % 3);
      const sort = sorts[Math.floor(i / (r * DAYS * 3)) % sorts.length];
      return `/api/v1/flights?from=${route.origin.code}&to=${route.destination.code}&date=${date}&passengers=${passengers}&sort=${sort}`;
    };
    const holdBody = () =>
      JSON.stringify({ flightId: flightIds[Math.floor(Math.random() * flightIds.length)], passengers: [{ name: "Bench" }] });
    out(`${routes.length} routes × ${DAYS} days × 3 passenger counts × ${sorts.length} sorts; holds over ${flightIds.length} flights`);

    const rows: Row[] = [];
    const idle: string[] = [];
    out("\n| runtime | request | concurrency | req/s | p50 ms | p99 ms | errors | runtime CPU ms/req | … less idle | PostgreSQL CPU ms/req |");
    out("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Every runtime is started first and the cells interleave (each cell on each runtime in turn):
    // on a machine whose other load drifts, the runtimes of one cell are measured minutes apart at
    // most, not a whole run apart. Idle runtimes cost little meanwhile (their idle CPU is printed).
    const started: { runtime: Runtime; running: Running; pool: Pool; idlePerSecond: number }[] = [];
    try {
      for (const runtime of runtimes.filter((r) => selected.includes(r.key))) {
        const running = await runtime.start(vars, work);
        started.push({ runtime, running, pool: new Pool(running.url, { connections: 64, pipelining: 1 }), idlePerSecond: 0 });
      }
      await new Promise((r) => setTimeout(r, 2_000));
      // Idle: what each runtime's processes burn with nothing to do (file watchers, timers, proxies).
      const idle0 = started.map((s) => treeCpuMs(s.running.roots));
      await new Promise((r) => setTimeout(r, IDLE_MS));
      started.forEach((s, i) => {
        s.idlePerSecond = (treeCpuMs(s.running.roots) - idle0[i]!) / (IDLE_MS / 1000);
        idle.push(`${s.runtime.name}: ${s.idlePerSecond.toFixed(1)} ms CPU/s`);
      });
      const send = (pool: Pool, request: "search" | "hold", loop: number) =>
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
      let cold = true;
      for (const request of ["search", "hold"] as const) {
        const expected = request === "search" ? 200 : 201;
        for (const concurrency of CONCURRENCY) {
          for (const { runtime, running, pool, idlePerSecond } of started) {
            // The first cell of the run also warms PostgreSQL's caches for the throwaway database.
            await closedLoops(concurrency, cold ? 4 * WARMUP_MS : WARMUP_MS, expected, (loop) => send(pool, request, loop));
            cold = false;
            const cpu0 = treeCpuMs(running.roots);
            const pg0 = pm ? treeCpuMs([pm]) : 0;
            const run: LoadRun = await closedLoops(concurrency, DURATION_MS, expected, (loop) => send(pool, request, loop));
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
      }
    } finally {
      for (const s of started) {
        await s.pool.close();
        await s.running.stop();
      }
    }

    // Ratios against one Node process as start:node ran before, and against start:node now.
    const bases = ["node-1-http", "node-cluster"].map((key) => runtimes.find((r) => r.key === key)!.name);
    const present = bases.filter((b) => rows.some((r) => r.runtime === b));
    if (present.length > 0) {
      out(`\n| runtime | request | concurrency | ${present.map((b) => `req/s ÷ ${b}`).join(" | ")} | CPU/req (less idle) ÷ ${present[0]} |`);
      out(`|---|---|---:|${present.map(() => "---:|").join("")}---:|`);
      for (const row of rows) {
        const base = (name: string) => rows.find((r) => r.runtime === name && r.request === row.request && r.concurrency === row.concurrency);
        const ratios = present.map((b) => (base(b) ? (row.r.rps / base(b)!.r.rps).toFixed(2) : "—"));
        const cpu = base(present[0]!) ? (row.net / base(present[0]!)!.net).toFixed(2) : "—";
        out(`| ${row.runtime} | ${row.request} | ${row.concurrency} | ${ratios.join(" | ")} | ${cpu} |`);
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
