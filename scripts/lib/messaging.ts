// NATS and the notifier as every start script runs them: nats-server only where none answers,
// both supervised children (restarted with back-off, stopped with the rest).
import { planNats } from "./nats";
import { forkTs, readyMessage, type Supervisor } from "./supervisor";
import type { PreparedSystem } from "./system";

export async function startMessaging(system: PreparedSystem, supervisor: Supervisor, say: (line: string) => void) {
  const nats = await planNats(system.dataDir, say);
  if (nats.server) await supervisor.start(nats.server);
  const notifierEnv = system.notifierEnv(nats.url);
  await supervisor.start({
    name: "notifier",
    group: true,
    spawn: () => forkTs("notifier/index.ts", [], { ...process.env, ...notifierEnv }),
    ready: (child) => readyMessage(child),
  });
  return { natsUrl: nats.url, notifierEnv };
}

/** Ctrl-C, SIGTERM and a closed terminal all stop the system the same orderly way. */
export function stopOnSignals(stop: (code: number) => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
}
