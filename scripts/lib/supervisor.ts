// A small supervisor for the processes `npm start` and `npm run start:node` run: it restarts a
// child that dies, with back-off, and says why it died; it stops every child on stop(); and,
// through the reaper (scripts/lib/reaper.ts), what it started cannot outlive it even when it is
// killed outright.
import { type ChildProcess, fork, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

export interface ChildSpec {
  name: string;
  /** Starts one instance: called again for every restart. */
  spawn(): ChildProcess;
  /** Resolves once the instance serves; rejects (or the child exits) when it cannot. */
  ready?(child: ChildProcess): Promise<unknown>;
  /** The child leads a process group of its own (spawned detached): signals go to the group. */
  group?: boolean;
}

export interface SupervisorOptions {
  say(line: string): void;
  /** Echoes the children's output lines (default: `[name] line` on stdout). */
  echo?(name: string, line: string): void;
  /** Restart delays: initialBackoffMs, doubled per quick death, at most maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before dying is restarted after initialBackoffMs again. */
  stableAfterMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

interface Supervised {
  spec: ChildSpec;
  child?: ChildProcess;
  startedAt: number;
  attempts: number;
  restarts: number;
  tail: string[];
  timer?: ReturnType<typeof setTimeout>;
}

const TSX_ARGS = ["--import", "tsx"];

/**
 * Forks a TypeScript entry point with an IPC channel, in its own process group. Its stderr is
 * piped (the supervisor echoes it and quotes its last lines when it dies); its stdout, where the
 * workers write a log line per request, goes straight to ours unless told otherwise, so that
 * this process does not spend CPU relaying every request's line.
 */
export function forkTs(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  stdout: "inherit" | "pipe" | "ignore" = "inherit",
): ChildProcess {
  return fork(path.resolve(script), args, {
    execArgv: TSX_ARGS,
    env,
    stdio: ["ignore", stdout, "pipe", "ipc"],
    detached: true,
  });
}

/** Resolves with the child's `{ type: "ready" }` message; rejects if it exits first. */
export function readyMessage<T = Record<string, unknown>>(child: ChildProcess, timeoutMs = 120_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown) => {
      if (m && typeof m === "object" && (m as { type?: unknown }).type === "ready") done(undefined, m as T);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`exited (${signal ?? code}) before it was ready`));
    const done = (err?: Error, value?: T) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export class Supervisor {
  private readonly children = new Map<string, Supervised>();
  private readonly reaper: ChildProcess;
  private stopping = false;
  private readonly options: Required<Omit<SupervisorOptions, "echo">> & Pick<SupervisorOptions, "echo">;

  constructor(options: SupervisorOptions) {
    this.options = { initialBackoffMs: 500, maxBackoffMs: 30_000, stableAfterMs: 30_000, stopTimeoutMs: 4_000, ...options };
    this.reaper = spawn(process.execPath, [...TSX_ARGS, path.resolve("scripts/lib/reaper.ts")], {
      stdio: ["pipe", "ignore", "inherit"],
      detached: true,
    });
    // The reaper must not keep this process alive: only its stdin, open until this process ends, matters.
    this.reaper.unref();
    (this.reaper.stdin as unknown as { unref?(): void } | null)?.unref?.();
    this.reaper.stdin?.on("error", () => {});
  }

  /** Stops `pid` (or its group) if this process dies without stopping it, e.g. a postmaster. */
  guard(kind: "group" | "pid", id: number, signal: NodeJS.Signals = "SIGTERM") {
    this.reaper.stdin?.write(`${kind} ${id} ${signal}\n`);
  }

  forget(id: number) {
    this.reaper.stdin?.write(`forget ${id}\n`);
  }

  /** How many times the child named `name` has been restarted. */
  restarts(name: string): number {
    return this.children.get(name)?.restarts ?? 0;
  }

  /** The running instance of a child (tests kill it). */
  process(name: string): ChildProcess | undefined {
    return this.children.get(name)?.child;
  }

  /** Starts a child and waits until it is ready; a child that cannot start the first time throws. */
  async start(spec: ChildSpec): Promise<ChildProcess> {
    const entry: Supervised = { spec, startedAt: 0, attempts: 0, restarts: 0, tail: [] };
    this.children.set(spec.name, entry);
    const child = this.launch(entry);
    try {
      await (spec.ready?.(child) ?? Promise.resolve());
    } catch (err) {
      this.children.delete(spec.name);
      this.kill(entry, child, "SIGKILL");
      throw new Error(`${spec.name}: ${(err as Error).message}\n${entry.tail.slice(-20).join("\n")}`);
    }
    return child;
  }

  private launch(entry: Supervised): ChildProcess {
    const child = entry.spec.spawn();
    entry.child = child;
    entry.startedAt = Date.now();
    if (child.pid) this.guard(entry.spec.group ? "group" : "pid", child.pid);
    const echo = this.options.echo ?? ((name, line) => console.log(`[${name}] ${line}`));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        entry.tail.push(line);
        if (entry.tail.length > 40) entry.tail.shift();
        echo(entry.spec.name, line);
      });
    }
    child.once("exit", (code, signal) => this.exited(entry, child, code, signal));
    return child;
  }

  private exited(entry: Supervised, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (child.pid) {
      // What it spawned goes with it (a workerd under Miniflare), before another instance starts.
      if (entry.spec.group) this.kill(entry, child, "SIGKILL");
      this.forget(child.pid);
    }
    if (this.stopping || !this.children.has(entry.spec.name) || entry.child !== child) return;
    const ranMs = Date.now() - entry.startedAt;
    if (ranMs >= this.options.stableAfterMs) entry.attempts = 0;
    const delay = Math.min(this.options.initialBackoffMs * 2 ** entry.attempts, this.options.maxBackoffMs);
    entry.attempts++;
    const why = signal ? `killed by ${signal}` : `exit code ${code}`;
    const last = entry.tail.filter((l) => l.trim()).slice(-3);
    this.options.say(
      `${entry.spec.name} (pid ${child.pid}) died after ${(ranMs / 1000).toFixed(1)} s: ${why}; restarting in ${delay} ms` +
        (last.length ? `\n  last output: ${last.join("\n  ")}` : ""),
    );
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      entry.restarts++;
      const next = this.launch(entry);
      entry.spec.ready?.(next).then(
        () => this.options.say(`${entry.spec.name} restarted (pid ${next.pid})`),
        (err) => this.options.say(`${entry.spec.name} did not come back: ${(err as Error).message}`),
      );
    }, delay);
  }

  private kill(entry: Supervised, child: ChildProcess, signal: NodeJS.Signals) {
    try {
      if (child.pid) process.kill(entry.spec.group ? -child.pid : child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM to every child (SIGKILL after stopTimeoutMs); resolves once all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()];
    await Promise.all(
      running.map(async (entry) => {
        clearTimeout(entry.timer);
        const child = entry.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        this.kill(entry, child, "SIGTERM");
        const timer = setTimeout(() => this.kill(entry, child, "SIGKILL"), this.options.stopTimeoutMs);
        await gone;
        clearTimeout(timer);
        if (entry.spec.group) this.kill(entry, child, "SIGKILL"); // stragglers of its group
      }),
    );
    this.children.clear();
  }

  /** Lets the reaper go: call after stop() and after stopping whatever was guard()ed. */
  release() {
    this.reaper.stdin?.end();
  }
}

/**
 * For a child started by the supervisor: run `stop` and exit when told to (SIGTERM, SIGINT) or
 * when the parent is gone (its IPC channel closes: killed outright, say), and at the latest
 * `forceAfterMs` later.
 */
export function stopWithParent(stop: () => Promise<void>, forceAfterMs = 5_000) {
  let stopping = false;
  const end = (why: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), forceAfterMs).unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        console.error(`stopping after ${why} failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => end("SIGTERM"));
  process.on("SIGINT", () => end("SIGINT"));
  if (process.connected) process.on("disconnect", () => end("the parent's exit"));
}

/** Tells the supervisor this child serves. */
export function reportReady(info: Record<string, unknown> = {}) {
  process.send?.({ type: "ready", ...info });
}

/** Spawns a non-Node program (nats-server) in its own process group, its output piped. */
export function spawnProgram(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
}
