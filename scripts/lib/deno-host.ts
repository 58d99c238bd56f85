import path from "node:path";
import { type Child, spawnChild } from "./processes";

/** The Deno binary the `deno` npm package installs (node_modules/.bin). */
export const DENO = path.resolve("node_modules/.bin/deno");

/**
 * `deno run` for the Deno host: network, environment (the workers' settings), reads (the modules
 * themselves), FFI (Deno loads @node-rs/bcrypt's Node-API addon through it) and system info
 * (postgres.js asks for the host name). deno.json turns on sloppy imports and Deno.cron.
 */
export const DENO_RUN = ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-ffi", "--allow-sys", "--no-prompt"];

export interface DenoHostOptions {
  /** Each worker's variables (secrets included), passed to the child as DENO_WORKER_VARS. */
  vars: Record<"auth" | "search" | "booking" | "gateway", Record<string, string>>;
  /** The gateway's port (0: any free one). */
  port: number;
  /** The module Deno runs (default deno/main.ts; the benchmark wraps it to silence the access log). */
  entry?: string;
  echo?: (line: string) => void;
}

/**
 * Starts the four workers on Deno (deno/main.ts) and resolves once the gateway listens, with its URL.
 * The child is a process group of its own (Child.stop ends it).
 */
export async function startDenoHost(options: DenoHostOptions): Promise<Child & { url: string }> {
  let listening: (url: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const child = spawnChild("deno", DENO, [...DENO_RUN, options.entry ?? "deno/main.ts"], {
    env: {
      ...process.env,
      DENO_WORKER_VARS: JSON.stringify(options.vars),
      GATEWAY_PORT: String(options.port),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
    },
    echo: (line) => {
      const at = /^\[deno\] gateway on (http:\S+)/.exec(line);
      if (at) listening(at[1]!);
      options.echo?.(line);
    },
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("deno did not listen within 60 s")), 60_000).unref());
  try {
    const url = await Promise.race([
      ready,
      timeout,
      child.exited.then((code) => Promise.reject(new Error(`deno exited (${code}) before it listened:\n${child.tail.join("\n")}`))),
    ]);
    return Object.assign(child, { url });
  } catch (err) {
    await child.stop();
    throw err;
  }
}
