// `npm run start:node` and `npm start` as their users run them, against a database and a NATS of
// the test's own: a child that dies is restarted, /health says 503 in time when the database stops
// answering, SIGTERM stops every process within a few seconds and frees the ports, and a start
// process killed outright (SIGKILL) leaves no orphans behind.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/processes";
import { useTestDatabase } from "../support/database";
import { type NatsServer, startNatsServer } from "../support/nats";
import { allGone, processTree } from "./processes";

const db = useTestDatabase();
let nats: NatsServer;
let relay: DatabaseRelay;
const dataDirs: string[] = [];

/** A TCP relay to PostgreSQL that the test can turn into a black hole (a database that stops answering). */
interface DatabaseRelay {
  url: string;
  blackHole(on: boolean): void;
  close(): void;
}

async function databaseRelay(target: string): Promise<DatabaseRelay> {
  const to = new URL(target);
  let hole = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (hole) return; // accept, never answer
    const upstream = net.connect(Number(to.port || 5432), to.hostname);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
  const url = new URL(target);
  url.port = String(port);
  url.hostname = "127.0.0.1";
  return {
    url: url.href,
    blackHole(on) {
      hole = on;
      if (on) for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

interface Started {
  process: ChildProcess;
  lines: string[];
  gateway: string;
  notifier: string;
  ports: number[];
}

async function start(script: "scripts/start.ts" | "scripts/start-node.ts", env: Record<string, string> = {}): Promise<Started> {
  const [gateway, auth, search, booking, notifier] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const dataDir = mkdtempSync(path.join(tmpdir(), "airline-start-"));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: {
      ...process.env,
      DATABASE_URL: relay.url,
      NATS_URL: nats.url,
      DATA_DIR: dataDir,
      DEMO_DATA: "false",
      GATEWAY_PORT: String(gateway),
      AUTH_PORT: String(auth),
      SEARCH_PORT: String(search),
      BOOKING_PORT: String(booking),
      NOTIFIER_PORT: String(notifier),
      BCRYPT_COST: "4",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on("line", (l) => lines.push(l));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.some((l) => /\] ready/.test(l))) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`${script} exited (${code}):\n${lines.slice(-30).join("\n")}`));
    });
  });
  return {
    process: child,
    lines,
    gateway: `http://127.0.0.1:${gateway}`,
    notifier: `http://127.0.0.1:${notifier}`,
    ports: script === "scripts/start.ts" ? [gateway, notifier] : [gateway, auth, search, booking, notifier],
  };
}

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
};

const healthy = (url: string) =>
  fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status === 200,
    () => false,
  );

/** The pid of the direct child of `parent` whose command line contains `text`. */
const childOf = (parent: number, text: string) =>
  processTree(parent).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
    } catch {
      return false;
    }
  });

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

beforeAll(async () => {
  nats = await startNatsServer();
  relay = await databaseRelay(db.url());
});

afterAll(async () => {
  relay?.close();
  await nats?.destroy();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("npm run start:node", () => {
  it("restarts dead children, answers 503 in time when the database hangs, and stops everything on SIGTERM", async () => {
    const system = await start("scripts/start-node.ts", { NODE_PROCESSES: "2" });
    const pid = system.process.pid!;
    try {
      expect(await healthy(system.gateway)).toBe(true);

      // The database stops answering: /health says so within HEALTH_TIMEOUT_MS (2 s), not later.
      relay.blackHole(true);
      const asked = Date.now();
      const res = await fetch(`${system.gateway}/health`, { signal: AbortSignal.timeout(10_000) });
      const tookMs = Date.now() - asked;
      expect(res.status).toBe(503);
      expect(((await res.json()) as { checks: Record<string, string> }).checks.database).toBe("down");
      expect(tookMs).toBeLessThan(3_000);
      relay.blackHole(false);
      expect(await waitFor(() => healthy(system.gateway), 15_000)).toBe(true);

      // An API process dies: the other serves meanwhile, and it comes back.
      const api = childOf(pid, "serve-node.ts")!;
      process.kill(api, "SIGKILL");
      expect(await healthy(system.gateway)).toBe(true);
      expect(await waitFor(() => system.lines.some((l) => /api-\d restarted/.test(l)), 30_000)).toBe(true);
      expect(system.lines.join("\n")).toMatch(new RegExp(`api-\\d \\(pid ${api}\\) died after [\\d.]+ s: killed by SIGKILL; restarting in \\d+ ms`));

      // The notifier dies: it comes back and serves its /health again.
      process.kill(childOf(pid, "notifier/index.ts")!, "SIGKILL");
      expect(await waitFor(() => system.lines.some((l) => /notifier restarted/.test(l)), 30_000)).toBe(true);
      expect(await waitFor(() => healthy(system.notifier), 10_000)).toBe(true);
    } finally {
      const tree = processTree(pid);
      system.process.kill("SIGTERM");
      const { ms, survivors } = await allGone(tree, 6_000);
      expect(survivors).toEqual([]);
      expect(ms).toBeLessThan(6_000);
    }
    for (const port of system.ports) expect(await bindable(port)).toBe(true);
  }, 240_000);
});

describe("npm start (workerd)", () => {
  it("restarts workerd when it dies, and leaves no orphans when killed outright", async () => {
    const system = await start("scripts/start.ts");
    const pid = system.process.pid!;
    try {
      expect(await healthy(system.gateway)).toBe(true);
      const host = childOf(pid, "serve-workerd.ts")!;
      process.kill(host, "SIGKILL");
      expect(await waitFor(() => system.lines.some((l) => /workerd restarted/.test(l)), 120_000)).toBe(true);
      expect(await healthy(system.gateway)).toBe(true);
    } finally {
      const tree = processTree(pid).filter((p) => p !== pid);
      system.process.kill("SIGKILL");
      const { survivors } = await allGone(tree, 8_000);
      expect(survivors).toEqual([]);
    }
    for (const port of system.ports) expect(await bindable(port)).toBe(true);
  }, 300_000);
});
