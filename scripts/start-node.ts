// `npm run start:node`: the same workers served on Node (self-hosting, benchmarks); the gateway
// reaches them over HTTP instead of service bindings.
import { disconnectAll } from "#db-connection";
import { httpService } from "../shared/http/forward";
import type { WorkerModule } from "../shared/worker";
import auth from "../workers/auth/index";
import booking, { runHousekeeping } from "../workers/booking/index";
import gateway from "../workers/gateway/index";
import search from "../workers/search/index";
import { startNotifier } from "../notifier/index";
import { ensureNats } from "./lib/nats";
import { type HostedWorker, serveWorker } from "./lib/node-host";
import { prepareSystem, type WorkerName, workers } from "./lib/system";

const say = (line: string) => console.log(`[start:node] ${line}`);
const modules: Record<WorkerName, WorkerModule> = { auth, search, booking, gateway };

async function main() {
  const system = await prepareSystem();
  const hosted: HostedWorker[] = [];
  const bindings: Record<string, unknown> = {};
  for (const worker of workers) {
    const env = { ...system.varsFor(worker.name), ...bindings };
    const server = await serveWorker(modules[worker.name], env, worker.port);
    hosted.push(server);
    bindings[worker.name.toUpperCase()] = httpService(server.url);
    say(`${worker.name} on ${server.url}`);
  }
  const nats = await ensureNats(system.dataDir, say);
  const notifier = await startNotifier(system.notifierConfig(nats.url));
  say(`notifier on ${notifier.url} (NATS ${nats.url})`);
  // The Cron Trigger's schedule, locally: once a minute.
  const cron = setInterval(() => void runHousekeeping(system.varsFor("booking")).catch(() => {}), 60_000);
  say("ready; press Ctrl-C to stop");
  const stop = async () => {
    clearInterval(cron);
    await notifier.stop();
    await nats.child?.stop();
    await Promise.all(hosted.map((h) => h.close()));
    await disconnectAll();
    await system.database.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err) => {
  console.error(`[start:node] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
