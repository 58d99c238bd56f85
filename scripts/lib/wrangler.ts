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
