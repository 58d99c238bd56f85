// What `start:node` and `start:deno` share: the system around the workers (database, migrations,
// key, admin, NATS, notifier), a one-minute housekeeping tick where the host has no scheduler of
// its own, and one orderly stop.
import { disconnectAll } from "#db-connection";
import { runHousekeeping } from "../../workers/booking/index";
import { orderlyStop, startMessaging } from "./messaging";
import { Supervisor } from "./supervisor";
import { guardPostmaster, type PreparedSystem, prepareSystem } from "./system";

export interface HostedWorkers {
  gatewayUrl: string;
  /** The host runs the booking worker's Cron Trigger itself (Deno.cron); else it is ticked here. */
  runsHousekeeping: boolean;
  /** Settles if the host dies on its own (a child process). */
  exited?: Promise<unknown>;
  stop(): Promise<void>;
}

export function runSelfHosted(label: string, host: (system: PreparedSystem, say: (line: string) => void) => Promise<HostedWorkers>) {
  const say = (line: string) => console.log(`[${label}] ${line}`);
  const main = async () => {
    // NATS and the notifier are supervised children (scripts/lib/supervisor.ts), as under npm start.
    const supervisor = new Supervisor({ say });
    const system = await prepareSystem();
    await guardPostmaster(system, supervisor);
    let workers: HostedWorkers;
    try {
      workers = await host(system, say);
    } catch (err) {
      await system.database.stop();
      supervisor.release();
      throw err;
    }
    const { natsUrl } = await startMessaging(system, supervisor, say);
    say(`notifier: its own process (NATS ${natsUrl})`);
    // The Cron Trigger's schedule, locally: once a minute.
    const cron = workers.runsHousekeeping
      ? undefined
      : setInterval(() => void runHousekeeping(system.varsFor("booking")).catch((err) => say(`housekeeping failed: ${(err as Error).message}`)), 60_000);
    const { stop, stopping } = orderlyStop({
      say,
      supervisor,
      system: () => system,
      cleanup: async () => {
        clearInterval(cron);
        await workers.stop();
        await disconnectAll();
      },
    });
    workers.exited?.then(() => {
      if (!stopping()) {
        say("the workers' process exited; stopping everything");
        void stop(1);
      }
    });
    say(`ready: gateway on ${workers.gatewayUrl}  (health: /health, API reference: /docs); press Ctrl-C to stop`);
  };
  main().catch((err) => {
    console.error(`[${label}] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
