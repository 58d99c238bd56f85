import cluster from "node:cluster";
import path from "node:path";
import type { NodeHostOptions } from "../serve-node";
import { readyMessage, type Supervisor } from "./supervisor";

/**
 * Runs `count` API processes (scripts/serve-node.ts: the gateway and the three workers each) under
 * node:cluster, which shares their ports: the primary (this process) accepts each connection and
 * hands it to the processes in turn. Supervised as `api-1`…`api-<count>`; the first runs the Cron
 * Trigger's housekeeping. Their request log lines go straight to this process's stdout.
 */
export async function startApiProcesses(supervisor: Supervisor, count: number, options: Omit<NodeHostOptions, "cron">): Promise<string> {
  cluster.setupPrimary({
    exec: path.resolve("scripts/serve-node.ts"),
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let url = "";
  for (let i = 1; i <= count; i++) {
    const env = { NODE_HOST_OPTIONS: JSON.stringify({ ...options, cron: i === 1 } satisfies NodeHostOptions) };
    await supervisor.start({
      name: `api-${i}`,
      spawn: () => cluster.fork(env).process,
      ready: async (child) => {
        url = (await readyMessage<{ url: string }>(child)).url;
      },
    });
  }
  return url;
}
