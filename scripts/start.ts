// `npm start`: the whole system on this machine, the workers under workerd.
//
//   npm start      the four workers in one workerd driven by Miniflare (scripts/serve-workerd.ts):
//                  the deployed bundles and bindings, without wrangler dev's watcher and proxies
//   npm run dev    the same under `wrangler dev` (one process for all four): live reload for
//                  people editing the code, at several times the CPU per request
//
// Beside them: PostgreSQL (DATABASE_URL, else an embedded one), a pooling relay between the
// workers and PostgreSQL (standing in for Hyperdrive's pool), nats-server when none runs, and the
// notifier, each child supervised (restarted with back-off when it dies) and stopped on Ctrl-C,
// SIGTERM, or this process's death however it comes (scripts/lib/supervisor.ts).
import path from "node:path";
import { disconnectAll } from "#db-connection";
import { runHousekeeping } from "../workers/booking/index";
import { orderlyStop, startMessaging } from "./lib/messaging";
import { bundleWorkers } from "./lib/miniflare";
import { type PgPooler, startPgPooler } from "./lib/pg-pooler";
import { forkTs, readyMessage, spawnProgram, Supervisor } from "./lib/supervisor";
import { guardPostmaster, type PreparedSystem, prepareSystem, type WorkerName, workers } from "./lib/system";
import { wranglerDevTogether } from "./lib/wrangler";
import { waitForHttp } from "./lib/processes";

const dev = process.argv.includes("--dev");
const say = (line: string) => console.log(`[${dev ? "dev" : "start"}] ${line}`);

async function main() {
  const supervisor = new Supervisor({ say });
  let system: PreparedSystem | undefined;
  let pooler: PgPooler | undefined;
  let cron: ReturnType<typeof setInterval> | undefined;
  const { stop } = orderlyStop({
    say,
    supervisor,
    system: () => system,
    cleanup: async () => {
      clearInterval(cron);
      await pooler?.close();
      await disconnectAll();
    },
  });

  try {
    system = await prepareSystem();
    await guardPostmaster(system, supervisor);
    await disconnectAll();
    const gateway = workers.find((w) => w.name === "gateway")!;

    // workerd opens a PostgreSQL connection per request (Hyperdrive pools them when deployed): the
    // relay keeps PG_POOL_MAX server connections open for them. DEV_PG_POOL=false connects directly.
    let workerDatabaseUrl = system.database.url;
    if (process.env.DEV_PG_POOL !== "false") {
      pooler = await startPgPooler({ target: system.database.url, max: Number(process.env.PG_POOL_MAX ?? 10) });
      workerDatabaseUrl = pooler.urlFor(system.database.url);
      say(`PostgreSQL pooling relay for the workers on 127.0.0.1:${pooler.port}`);
    }
    const varsFor = (name: WorkerName): Record<string, string> => {
      const vars = system!.varsFor(name);
      // Locally a client's own CF-Connecting-IP would pass through: never key limits on it here.
      if (name === "gateway") vars.TRUST_CF_CONNECTING_IP = process.env.TRUST_CF_CONNECTING_IP ?? "false";
      return vars.DATABASE_URL ? { ...vars, DATABASE_URL: workerDatabaseUrl } : vars;
    };

    const { natsUrl, notifierEnv } = await startMessaging(system, supervisor, say);
    say(`notifier: http://127.0.0.1:${notifierEnv.NOTIFIER_PORT ?? 8791}/health and /metrics; NATS ${natsUrl}`);
    say(
      notifierEnv.RESEND_API_KEY
        ? "emails are sent through Resend"
        : `emails are written to ${path.relative(process.cwd(), notifierEnv.MAIL_DIR!) || "."}/ (set RESEND_API_KEY to send them)`,
    );

    // The gateway first: the primary, the only one with an HTTP port; the others are reached
    // through its service bindings.
    const order = [gateway, ...workers.filter((w) => w !== gateway)].map((w) => w.name);
    if (dev) {
      const wrangler = await wranglerDevTogether({
        workers: order.map((name) => ({ name, vars: varsFor(name) })),
        port: gateway.port,
        dataDir: system.dataDir,
        registryPath: path.join(system.dataDir, "wrangler-registry"),
      });
      say(`starting ${order.join(", ")} in one wrangler dev (live reload)`);
      await supervisor.start({
        name: "wrangler",
        group: true,
        spawn: () => spawnProgram(wrangler.command, wrangler.args, wrangler.env),
        ready: () => waitForHttp(`${wrangler.url}/health`, undefined, 120_000),
      });
      // wrangler dev does not fire Cron Triggers, and only the gateway has a port: the same
      // housekeeping runs here on Node every minute.
      cron = setInterval(
        () => void runHousekeeping(system!.varsFor("booking")).catch((err) => say(`housekeeping failed: ${(err as Error).message}`)),
        60_000,
      );
    } else {
      const bundleDir = path.join(system.dataDir, "workerd", "bundle");
      say(`bundling ${order.join(", ")} (wrangler deploy --dry-run)`);
      await bundleWorkers(order, bundleDir);
      const options = {
        workers: order,
        bundleDir,
        vars: Object.fromEntries(order.map((name) => [name, varsFor(name)])),
        hyperdriveUrl: workerDatabaseUrl,
        port: gateway.port,
      };
      say(`starting ${order.join(", ")} in workerd (Miniflare), the gateway on http://127.0.0.1:${gateway.port}`);
      await supervisor.start({
        name: "workerd",
        group: true,
        spawn: () => forkTs("scripts/serve-workerd.ts", [], { ...process.env, WORKERD_OPTIONS: JSON.stringify(options) }),
        ready: (child) => readyMessage(child),
      });
    }
    say(`ready: gateway on http://127.0.0.1:${gateway.port}  (health: /health, API reference: /docs)`);
    say(`database: ${system.database.embedded ? "embedded PostgreSQL under .data/postgres" : "DATABASE_URL"}`);
    say("press Ctrl-C to stop");
  } catch (err) {
    console.error(`[start] ${(err as Error).message}`);
    await stop(1);
  }
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
