// `npm start`: the whole system on this machine, each worker under `wrangler dev` (workerd).
import path from "node:path";
import { disconnectAll } from "#db-connection";
import { startNotifier } from "../notifier/index";
import { ensureNats } from "./lib/nats";
import type { Child } from "./lib/processes";
import { prepareSystem, workers } from "./lib/system";
import { startWranglerDev } from "./lib/wrangler";

const say = (line: string) => console.log(`[start] ${line}`);

async function main() {
  const system = await prepareSystem();
  await disconnectAll();
  const children: Child[] = [];
  let notifier: Awaited<ReturnType<typeof startNotifier>> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await notifier?.stop();
    await Promise.all(children.map((c) => c.stop()));
    await disconnectAll();
    await system.database.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
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
    for (const worker of workers) {
      say(`starting ${worker.name} on http://127.0.0.1:${worker.port} (wrangler dev)`);
      const child = await startWranglerDev({
        name: worker.name,
        port: worker.port,
        vars: system.varsFor(worker.name),
        dataDir: system.dataDir,
        registryPath: path.join(system.dataDir, "wrangler-registry"),
        testScheduled: worker.name === "booking",
        echo: (line) => console.log(`[${worker.name}] ${line}`),
      });
      children.push(child);
      child.exited.then((code) => {
        if (!stopping) {
          say(`${worker.name} exited (${code}); stopping everything`);
          void stop(1);
        }
      });
    }
  } catch (err) {
    console.error(`[start] ${(err as Error).message}`);
    await stop(1);
    return;
  }
  // wrangler dev does not fire Cron Triggers: tick the booking worker's scheduled handler every minute.
  const booking = workers.find((w) => w.name === "booking")!;
  const cron = setInterval(() => {
    fetch(`http://127.0.0.1:${booking.port}/__scheduled?cron=*+*+*+*+*`).catch(() => {});
  }, 60_000);
  process.on("exit", () => clearInterval(cron));
  const gateway = workers.find((w) => w.name === "gateway")!;
  say(`ready: gateway on http://127.0.0.1:${gateway.port}  (health: /health, API reference: /docs)`);
  say(`database: ${system.database.embedded ? "embedded PostgreSQL under .data/postgres" : "DATABASE_URL"}`);
  say("press Ctrl-C to stop");
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
