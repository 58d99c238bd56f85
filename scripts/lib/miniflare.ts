// The workers under workerd, driven by Miniflare directly: what `npm start` runs.
//
// `wrangler dev` wraps the same Miniflare in a file watcher (esbuild, ~57 ms of CPU a second
// idle), a proxy workerd, an inspector proxy and a loopback HTTP POST to Node for every log line:
// on this project's 2-core machine that made it 5× slower than Node (docs/benchmarks.md). Here the
// deployed code path stays (the bundle `wrangler deploy` would upload, the bindings wrangler reads
// from wrangler.toml, Hyperdrive, service bindings, the Cron Trigger's scheduled() handler), and
// the rest goes: no live reload (that is `npm run dev`).
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { hyperdriveLocalConnectionString } from "./wrangler";

const run = promisify(execFile);
const WRANGLER = path.resolve("node_modules/.bin/wrangler");
const CONFIG = path.resolve("wrangler.toml");

/** The Worker's name (wrangler.toml's [env.<worker>] name) for one of our workers. */
export const scriptName = (worker: string) => `airline-${worker}`;

/** Bundles each worker as `wrangler deploy` would (`--dry-run --outdir`), into `<outDir>/<worker>/`. */
export async function bundleWorkers(workers: readonly string[], outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await Promise.all(
    workers.map((name) =>
      run(WRANGLER, ["deploy", "--dry-run", "--env", name, "--outdir", path.join(outDir, name)], {
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", FORCE_COLOR: "0" },
      }).catch((err: Error & { stderr?: string }) => {
        throw new Error(`bundling the ${name} worker failed: ${err.stderr || err.message}`);
      }),
    ),
  );
}

export interface WorkerdOptions {
  /** The workers (wrangler.toml environments), the first one primary: the one on `port`. */
  workers: readonly string[];
  /** Where bundleWorkers() wrote the bundles. */
  bundleDir: string;
  /** Variables and secrets per worker. */
  vars: Record<string, Record<string, string>>;
  /** What the [[hyperdrive]] bindings connect to (the pooling relay locally). */
  hyperdriveUrl?: string;
  port: number;
  host?: string;
  /** Where local state other than the Cache API lives (none of our bindings has any yet). */
  persistDir?: string;
  log?(line: string): void;
}

export interface RunningWorkerd {
  url: string;
  /** Runs a worker's scheduled() handler (the Cron Trigger). */
  scheduled(worker: string, cron: string): Promise<unknown>;
  /** Each worker's Cron Triggers from wrangler.toml. */
  crons: Record<string, string[]>;
  dispose(): Promise<void>;
}

export async function startWorkerd(options: WorkerdOptions): Promise<RunningWorkerd> {
  if (options.hyperdriveUrl) {
    // Read by wrangler's binding reader below: the [[hyperdrive]] binding's local origin.
    process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = hyperdriveLocalConnectionString(options.hyperdriveUrl);
  }
  // Loaded here only: importing wrangler takes a second or two.
  const { unstable_getMiniflareWorkerOptions, unstable_readConfig } = await import("wrangler");
  const { Miniflare } = await import("miniflare");
  const crons: Record<string, string[]> = {};
  const workers = options.workers.map((name) => {
    const { workerOptions } = unstable_getMiniflareWorkerOptions(CONFIG, name);
    crons[name] = unstable_readConfig({ config: CONFIG, env: name }).triggers?.crons ?? [];
    const dir = path.join(options.bundleDir, name);
    // The bundle replaces the sources: its text modules (Swagger UI) are files beside index.js.
    const { modulesRules: _sourceRules, ...bindingOptions } = workerOptions as Record<string, unknown>;
    return {
      ...bindingOptions,
      name: scriptName(name),
      modules: true,
      scriptPath: path.join(dir, "index.js"),
      modulesRoot: dir,
      modulesRules: [{ type: "Text" as const, include: ["**/*.css", "**/*swagger-ui-bundle.js"] }],
      bindings: { ...(workerOptions.bindings as Record<string, unknown>), ...options.vars[name] },
    };
  });
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const mf = new Miniflare({
    host: options.host ?? "127.0.0.1",
    port: options.port,
    workers,
    // The Cache API (the search worker's answers) in memory, not on disk: those entries live
    // seconds, and Miniflare's disk-backed cache costs CPU on every put.
    ...(options.persistDir ? { defaultPersistRoot: options.persistDir } : {}),
    // Must return nothing (Miniflare checks).
    handleStructuredLogs: ({ message }: { message: string }) => {
      log(message);
    },
  } as unknown as ConstructorParameters<typeof Miniflare>[0]);
  const url = await mf.ready;
  return {
    url: url.origin,
    crons,
    async scheduled(worker, cron) {
      const fetcher = (await mf.getWorker(scriptName(worker))) as unknown as { scheduled(o: { cron: string }): Promise<unknown> };
      return fetcher.scheduled({ cron });
    },
    dispose: () => mf.dispose(),
  };
}

/** Whether a five-field cron expression (minute hour day-of-month month day-of-week, UTC) matches `at`. */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  return fields.every((field, i) =>
    field.split(",").some((part) => {
      const [range, stepText] = part.split("/");
      const step = Number(stepText ?? 1);
      const value = values[i]!;
      if (range === "*") return value % step === 0;
      const [lo, hi] = range!.split("-").map(Number);
      const top = hi ?? (stepText ? Infinity : lo!);
      return value >= lo! && value <= top && (value - lo!) % step === 0;
    }),
  );
}
