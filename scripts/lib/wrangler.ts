import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Child, freePort, spawnChild, waitForHttp } from "./processes";

const WRANGLER = path.resolve("node_modules/.bin/wrangler");

export interface WranglerOptions {
  /** The [env.<name>] of wrangler.toml. */
  name: string;
  port: number;
  /** Variables and secrets for the worker, written to a private --env-file. */
  vars: Record<string, string>;
  /** Where env files and local state go. */
  dataDir: string;
  /** Shared by workers that bind to each other: the dev registry resolves service bindings through it. */
  registryPath: string;
  /** Exposes /__scheduled, through which the caller fires the worker's Cron Trigger. */
  testScheduled?: boolean;
  echo?: (line: string) => void;
}

/**
 * The connection string wrangler dev's Hyperdrive emulation relays to. Miniflare refuses one
 * without a password, so a URL without one (trust or peer auth, like the embedded PostgreSQL)
 * gets a placeholder that such a server ignores.
 */
export function hyperdriveLocalConnectionString(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.password) url.password = "unused";
  if (!url.username) url.username = "postgres";
  return url.href;
}

function envFileLine(key: string, value: string): string {
  if (!value.includes("'")) return `${key}='${value}'`;
  if (!value.includes("`")) return `${key}=\`${value}\``;
  throw new Error(`${key} cannot contain both ' and \` characters`);
}

/** Runs one worker under `wrangler dev --env <name>` and resolves once it answers HTTP. */
export async function startWranglerDev(options: WranglerOptions): Promise<Child & { url: string }> {
  const envDir = path.join(options.dataDir, "env");
  await mkdir(envDir, { recursive: true });
  const envFile = path.join(envDir, `${options.name}.env`);
  // Locally a client's own CF-Connecting-IP passes through wrangler dev: never key limits on it here.
  const vars = { TRUST_CF_CONNECTING_IP: "false", ...options.vars };
  await writeFile(envFile, `${Object.entries(vars).map(([k, v]) => envFileLine(k, v)).join("\n")}\n`, { mode: 0o600 });

  const child = spawnChild(
    options.name,
    WRANGLER,
    [
      "dev",
      "--env", options.name,
      "--ip", "127.0.0.1",
      "--port", String(options.port),
      "--inspector-port", String(await freePort()),
      "--env-file", envFile,
      "--persist-to", path.join(options.dataDir, "wrangler"),
      "--show-interactive-dev-session=false",
      ...(options.testScheduled ? ["--test-scheduled"] : []),
    ],
    {
      env: {
        ...process.env,
        WRANGLER_REGISTRY_PATH: options.registryPath,
        // The [[hyperdrive]] binding of auth, search and booking, emulated locally over DATABASE_URL.
        ...(options.vars.DATABASE_URL
          ? { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveLocalConnectionString(options.vars.DATABASE_URL) }
          : {}),
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        CI: "true",
        FORCE_COLOR: "0",
      },
      echo: options.echo,
    },
  );
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(`${url}/health`, child, 90_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return Object.assign(child, { url });
}

export interface WranglerTogetherOptions {
  /** The workers ([env.<name>] of wrangler.toml), the first one primary: the only one with an HTTP port. */
  workers: { name: string; vars: Record<string, string> }[];
  port: number;
  dataDir: string;
  registryPath: string;
  echo?: (line: string) => void;
  /** Log level of wrangler and the workers' console (default info: every request is logged). */
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
}

/**
 * Runs several workers in ONE `wrangler dev` (one Node process, one workerd for the workers, one
 * for wrangler's proxy, one esbuild), instead of a `wrangler dev` each. Wrangler takes several
 * `-c` configurations; its `--env` would apply to all of them, so each worker's [env.<name>] is
 * written out as a configuration of its own under `<dataDir>/wrangler-config/<name>/`, with its
 * variables and secrets in a `.dev.vars` beside it (only the primary would read an --env-file).
 * Service bindings between them resolve inside the process. Only the primary (the first) gets
 * an HTTP port; the others are reached through its bindings, and `--test-scheduled` would reach
 * only the primary's scheduled handler.
 */
export async function startWranglerDevTogether(options: WranglerTogetherOptions): Promise<Child & { url: string }> {
  const { command, args, env, url } = await wranglerDevTogether(options);
  const child = spawnChild("wrangler", command, args, { env, echo: options.echo });
  try {
    await waitForHttp(`${url}/health`, child, 120_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return Object.assign(child, { url });
}

/** The command line of startWranglerDevTogether (its configurations written), for a supervisor to run. */
export async function wranglerDevTogether(options: Omit<WranglerTogetherOptions, "echo">) {
  const configDir = path.join(options.dataDir, "wrangler-config");
  const configs = await writeWorkerConfigs(configDir, options.workers);
  const databaseUrl = options.workers.find((w) => w.vars.DATABASE_URL)?.vars.DATABASE_URL;
  const args = [
    "dev",
    ...configs.flatMap((c) => ["-c", c]),
    "--ip", "127.0.0.1",
    "--port", String(options.port),
    "--inspector-port", String(await freePort()),
    "--persist-to", path.join(options.dataDir, "wrangler"),
    "--show-interactive-dev-session=false",
    ...(options.logLevel ? ["--log-level", options.logLevel] : []),
  ];
  const env = {
    ...process.env,
    WRANGLER_REGISTRY_PATH: options.registryPath,
    ...(databaseUrl ? { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveLocalConnectionString(databaseUrl) } : {}),
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    CI: "true",
    FORCE_COLOR: "0",
  };
  return { command: WRANGLER, args, env, url: `http://127.0.0.1:${options.port}` };
}

/** One wrangler configuration (JSON) per worker from wrangler.toml's top level and its [env.<name>]. */
async function writeWorkerConfigs(configDir: string, workers: { name: string; vars: Record<string, string> }[]): Promise<string[]> {
  // wrangler's own reader (loaded only here: importing wrangler takes seconds).
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: path.resolve("wrangler.toml") });
  const { env: environments, name: _name, main: _main, ...shared } = rawConfig;
  const paths: string[] = [];
  for (const worker of workers) {
    const own = environments?.[worker.name];
    if (!own?.main) throw new Error(`wrangler.toml has no [env.${worker.name}] with a main`);
    const dir = path.join(configDir, worker.name);
    await mkdir(dir, { recursive: true });
    const config = { ...shared, ...own, main: path.resolve(own.main) };
    const file = path.join(dir, "wrangler.json");
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
    const vars = `${Object.entries(worker.vars).map(([k, v]) => envFileLine(k, v)).join("\n")}\n`;
    await writeFile(path.join(dir, ".dev.vars"), vars, { mode: 0o600 });
    paths.push(file);
  }
  return paths;
}
