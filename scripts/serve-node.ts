// One API process of `npm run start:node`: the gateway and the three workers on Node, started
// (several times over, by node:cluster, so that every core serves) and restarted by the
// supervisor in scripts/start-node.ts. The parent passes NODE_HOST_OPTIONS (JSON: each worker's
// variables and port); the cluster shares each port between the processes.
//
// NODE_BINDINGS=in-process (the default): the gateway calls the workers in this process, as
// workerd's service bindings do; =http: over loopback HTTP through their ports (the layout before).
import { disconnectAll } from "#db-connection";
import { httpService } from "../shared/http/forward";
import { describeError, log } from "../shared/http/log";
import { type Fetcher, inProcessService, type WorkerModule } from "../shared/worker";
import auth from "../workers/auth/index";
import booking, { runHousekeeping } from "../workers/booking/index";
import gateway from "../workers/gateway/index";
import search from "../workers/search/index";
import { type HostedWorker, serveWorker } from "./lib/node-host";
import { reportReady, stopWithParent } from "./lib/supervisor";

export interface NodeHostOptions {
  /** Variables and port per worker (the gateway last). */
  workers: { name: "auth" | "search" | "booking" | "gateway"; port: number; vars: Record<string, string> }[];
  bindings?: "in-process" | "http";
  /** This process runs the booking worker's Cron Trigger (one of the processes does). */
  cron?: boolean;
}

const modules: Record<string, WorkerModule> = { auth, search, booking, gateway };
const options = JSON.parse(process.env.NODE_HOST_OPTIONS ?? "{}") as NodeHostOptions;
delete process.env.NODE_HOST_OPTIONS;
// A rejection nobody awaited is a bug to log, not a reason to take the API down.
process.on("unhandledRejection", (err) => log("error", "unhandled rejection (kept running)", describeError(err)));

const hosted: HostedWorker[] = [];
const bindings: Record<string, Fetcher> = {};
for (const worker of options.workers) {
  const env = { ...worker.vars, ...(worker.name === "gateway" ? bindings : {}) };
  const server = await serveWorker(modules[worker.name]!, env, worker.port);
  hosted.push(server);
  bindings[worker.name.toUpperCase()] =
    (options.bindings ?? "in-process") === "in-process" ? inProcessService(modules[worker.name]!, env) : httpService(server.url);
}

const bookingVars = options.workers.find((w) => w.name === "booking")?.vars;
const cron =
  options.cron && bookingVars
    ? setInterval(() => void runHousekeeping(bookingVars).catch((err) => log("error", "housekeeping failed", describeError(err))), 60_000)
    : undefined;

stopWithParent(async () => {
  clearInterval(cron);
  await Promise.all(hosted.map((h) => h.close()));
  await disconnectAll();
});
reportReady({ url: hosted.at(-1)?.url });
