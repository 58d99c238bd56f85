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
function stopOnSignals(stop: (code: number) => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
}

/**
 * The one orderly stop of a start script, bound to Ctrl-C, SIGTERM and SIGHUP: the supervised
 * children first, then what the script owns in-process (`cleanup`), then the database; forced
 * after 10 s whatever hangs. Safe to call more than once.
 */
export function orderlyStop(options: {
  say: (line: string) => void;
  supervisor: Supervisor;
  system: () => PreparedSystem | undefined;
  cleanup?: () => Promise<void>;
}) {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    options.say("stopping…");
    const force = setTimeout(() => process.exit(code || 1), 10_000);
    await options.supervisor.stop();
    await options.cleanup?.();
    await options.system()?.database.stop();
    options.supervisor.release();
    clearTimeout(force);
    process.exit(code);
  };
  stopOnSignals(stop);
  return { stop, stopping: () => stopping };
}
