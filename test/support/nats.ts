import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findNatsServer, listening } from "../../scripts/lib/nats";
import { type Child, freePort, spawnChild } from "../../scripts/lib/processes";

/** nats-server as the start scripts find it; the tests cannot run without one. */
export function natsServerBinary(): string {
  const binary = findNatsServer();
  if (!binary) throw new Error("nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN");
  return binary;
}

export interface NatsServer {
  url: string;
  port: number;
  /** Starts it (again) on the same port with the same JetStream storage. */
  start(): Promise<void>;
  /** Stops it; with `kill`, SIGKILL instead of a clean shutdown. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Stops it and deletes its storage. */
  destroy(): Promise<void>;
}

/**
 * A nats-server of the caller's own: a free port and JetStream file storage in a temporary
 * directory, so a test can stop and restart it without touching anyone else's streams.
 */
export async function startNatsServer(): Promise<NatsServer> {
  const binary = natsServerBinary();
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), "airline-nats-"));
  let child: Child | undefined;

  async function start() {
    child = spawnChild("nats-server", binary, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir]);
    const deadline = Date.now() + 10_000;
    let exited = false;
    void child.exited.then(() => (exited = true));
    while (!(await listening(port))) {
      if (exited || Date.now() > deadline) throw new Error(`nats-server did not start on ${port}:\n${child.tail.join("\n")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function stop(options: { kill?: boolean } = {}) {
    const running = child;
    child = undefined;
    if (!running) return;
    if (options.kill) {
      running.process.kill("SIGKILL");
      await running.exited;
    } else {
      await running.stop();
    }
  }

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
