import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createConnection } from "node:net";
import path from "node:path";
import { type ChildSpec, spawnProgram } from "./supervisor";

/** Whether something accepts TCP connections on the port. */
export function listening(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** nats-server from NATS_SERVER_BIN, the PATH, or Debian's /usr/sbin. */
export function findNatsServer(): string | undefined {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/usr/local/bin"];
  return dirs.filter(Boolean).map((d) => path.join(d, "nats-server")).find((p) => existsSync(p));
}

/**
 * NATS for the notifier: NATS_URL when set; else one already listening on 127.0.0.1:4222; else a
 * nats-server for the caller's supervisor to run, with JetStream storage under `<dataDir>/nats`,
 * when one is installed. Without any, the system runs all the same (events wait in the outbox)
 * and this says how to get one.
 */
export async function planNats(dataDir: string, say: (line: string) => void): Promise<{ url: string; server?: ChildSpec }> {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL };
  const url = "nats://127.0.0.1:4222";
  if (await listening(4222)) return { url };
  const binary = findNatsServer();
  if (!binary) {
    say("no NATS is listening on 127.0.0.1:4222 and nats-server is not installed: bookings work, emails wait");
    say("in the outbox until one runs (apt-get install nats-server, or set NATS_URL)");
    return { url };
  }
  const storage = path.join(dataDir, "nats");
  await mkdir(storage, { recursive: true });
  say(`starting nats-server with JetStream storage in ${path.relative(process.cwd(), storage)}`);
  return {
    url,
    server: {
      name: "nats",
      group: true,
      spawn: () => spawnProgram(binary, ["-a", "127.0.0.1", "-p", "4222", "-js", "-sd", storage]),
      async ready(child) {
        for (let i = 0; i < 100 && child.exitCode === null; i++) {
          if (await listening(4222)) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error("nats-server did not listen on 127.0.0.1:4222");
      },
    },
  };
}
