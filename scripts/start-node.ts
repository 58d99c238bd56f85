// `npm run start:node`: the same workers served on Node (self-hosting, benchmarks); the gateway
// reaches them over HTTP instead of service bindings.
import { httpService } from "../shared/http/forward";
import type { WorkerModule } from "../shared/worker";
import auth from "../workers/auth/index";
import booking from "../workers/booking/index";
import gateway from "../workers/gateway/index";
import search from "../workers/search/index";
import { type HostedWorker, serveWorker } from "./lib/node-host";
import { runSelfHosted } from "./lib/self-hosted";
import { type WorkerName, workers } from "./lib/system";

const modules: Record<WorkerName, WorkerModule> = { auth, search, booking, gateway };

runSelfHosted("start:node", async (system, say) => {
  const hosted: HostedWorker[] = [];
  const bindings: Record<string, unknown> = {};
  for (const worker of workers) {
    const env = { ...system.varsFor(worker.name), ...bindings };
    const server = await serveWorker(modules[worker.name], env, worker.port);
    hosted.push(server);
    bindings[worker.name.toUpperCase()] = httpService(server.url);
    say(`${worker.name} on ${server.url}`);
  }
  return {
    gatewayUrl: hosted.at(-1)!.url,
    runsHousekeeping: false,
    stop: async () => void (await Promise.all(hosted.map((h) => h.close()))),
  };
});
