// `npm run start:node`: the same workers served on Node (self-hosting, benchmarks), on every core.
//
// NODE_PROCESSES (default: the machine's cores) API processes (scripts/serve-node.ts), each with
// the gateway and the three workers, share the ports through node:cluster; the notifier runs in a
// process of its own, so that a burst of emails does not take CPU from the API. Every child is
// supervised: restarted with back-off when it dies, stopped on Ctrl-C and SIGTERM, and unable to
// outlive this process (scripts/lib/supervisor.ts).
import { availableParallelism } from "node:os";
import { startApiProcesses } from "./lib/api-processes";
import { orderlyStop, startMessaging } from "./lib/messaging";
import { Supervisor } from "./lib/supervisor";
import { guardPostmaster, type PreparedSystem, prepareSystem, workers } from "./lib/system";

const say = (line: string) => console.log(`[start:node] ${line}`);

async function main() {
  const supervisor = new Supervisor({ say });
  let system: PreparedSystem | undefined;
  const { stop } = orderlyStop({ say, supervisor, system: () => system });

  try {
    system = await prepareSystem();
    await guardPostmaster(system, supervisor);
    // One per core: on a calm 2-core machine two processes served 1.4–1.7× one at concurrency 50
    // (docs/benchmarks.md); on one crowded by other work, one process did better.
    const processes = Number(process.env.NODE_PROCESSES ?? availableParallelism());
    if (!Number.isInteger(processes) || processes < 1) throw new Error("Invalid configuration: NODE_PROCESSES must be a whole number ≥ 1");
    const { natsUrl } = await startMessaging(system, supervisor, say);

    await startApiProcesses(supervisor, processes, {
      workers: workers.map((w) => ({ name: w.name, port: w.port, vars: system!.varsFor(w.name) })),
      bindings: process.env.NODE_BINDINGS === "http" ? "http" : "in-process",
    });
    for (const w of workers) say(`${w.name} on http://127.0.0.1:${w.port}`);
    say(`ready: ${processes} API process${processes === 1 ? "" : "es"} and the notifier (NATS ${natsUrl}); press Ctrl-C to stop`);
  } catch (err) {
    console.error(`[start:node] ${(err as Error).message}`);
    await stop(1);
  }
}

main().catch((err) => {
  console.error(`[start:node] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
