// The workers on Deno: the gateway, auth, search and booking in one process, one `Deno.serve` for
// the gateway, which reaches the others in-process through the env slots where workerd has service
// bindings. This file is the Deno Deploy entrypoint and what `npm run start:deno` runs (beside a
// Node parent that owns PostgreSQL, NATS and the notifier: scripts/start-deno.ts).
//
// Configuration: DENO_WORKER_VARS, a JSON object of each worker's variables, when a parent passes
// them (scripts/lib/deno-host.ts); else the process environment for every worker (Deno Deploy).
import { disconnectAll } from "#db-connection";
import { keepAnswersInProcess } from "../shared/http/cache";
import { describeError, log } from "../shared/http/log";
import { hostContext, inProcessService, type WorkerModule } from "../shared/worker";
import auth from "../workers/auth/index";
import booking, { runHousekeeping } from "../workers/booking/index";
import gateway from "../workers/gateway/index";
import search from "../workers/search/index";

type WorkerName = "auth" | "search" | "booking" | "gateway";

const given = Deno.env.get("DENO_WORKER_VARS");
const processEnv = Deno.env.toObject();
const varsFor = (name: WorkerName): Record<string, string> =>
  given ? ((JSON.parse(given) as Partial<Record<WorkerName, Record<string, string>>>)[name] ?? {}) : processEnv;

// Deno's Cache API keeps entries on disk until they are deleted, with no eviction: outside Deno
// Deploy (whose cache is the platform's), search answers stay in a bounded in-process store, as on
// Node.
if (Deno.env.get("DENO_DEPLOYMENT_ID") === undefined) keepAnswersInProcess();

const bound = (worker: WorkerModule, name: WorkerName) => inProcessService(worker, varsFor(name));
const gatewayEnv = { ...varsFor("gateway"), AUTH: bound(auth, "auth"), SEARCH: bound(search, "search"), BOOKING: bound(booking, "booking") };

// The booking worker's Cron Trigger: Deno's cron API (deno.json turns on --unstable-cron). Deno
// Deploy finds Deno.cron calls by running the module's top level at deployment, so this one is
// unconditional and comes before Deno.serve; locally it runs in-process, every minute.
const bookingEnv = varsFor("booking");
Deno.cron("booking housekeeping", "* * * * *", () =>
  runHousekeeping(bookingEnv).then(
    () => {},
    (err) => log("error", "housekeeping failed", { worker: "booking", ...describeError(err) }),
  ),
);

// Locally the parent names the address; on Deno Deploy the platform does (Deno.serve's defaults).
const address = given ? { hostname: "127.0.0.1", port: Number(Deno.env.get("GATEWAY_PORT") ?? 8787) } : {};
const server = Deno.serve(
  { ...address, onListen: (addr) => console.log(`[deno] gateway on http://${addr.hostname}:${addr.port}`) },
  (request, info) => gateway.fetch(request, gatewayEnv, hostContext(info.remoteAddr.hostname)),
);

// Locally the parent stops this process with SIGTERM (Ctrl-C reaches the parent); Deploy stops
// isolates itself.
if (given) {
  const stop = async () => {
    await server.shutdown();
    await disconnectAll();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => void stop());
  Deno.addSignalListener("SIGTERM", () => void stop());
}
