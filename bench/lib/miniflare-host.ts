// Prototype, for bench/runtimes.ts: the four workers in one workerd driven by Miniflare directly,
// without `wrangler dev` around it (no proxy workerd, no inspector proxy, no esbuild watcher, no
// per-request log round trip to Node). Bundles come from `wrangler deploy --dry-run` (what
// `npm run bundle:check` builds) and bindings from wrangler's own reading of wrangler.toml.
// `miniflare` is wrangler's dependency (same version), not one of ours: pin it before relying on it.
//
// Run as a process of its own: BENCH_MINIFLARE_VARS (JSON) holds the variables, argv[2] a work
// directory; prints "ready <gateway url>". The booking worker's Cron Trigger is its real
// scheduled() handler, called from here every minute (no HTTP port needed for it).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const WORKERS = ["gateway", "auth", "search", "booking"]; // the first gets the HTTP port

const vars = JSON.parse(process.env.BENCH_MINIFLARE_VARS ?? "{}") as Record<string, string>;
const work = path.resolve(process.argv[2] ?? ".data/miniflare");
const port = Number(process.argv[3] ?? 0);

await Promise.all(
  WORKERS.map((name) =>
    run(path.resolve("node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--env", name, "--outdir", path.join(work, name)], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    }),
  ),
);

const hyperdrive = new URL(vars.DATABASE_URL!);
if (!hyperdrive.password) hyperdrive.password = "unused";
process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = hyperdrive.href;
const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
const { Miniflare } = await import("miniflare");

const workers = WORKERS.map((name) => {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.resolve("wrangler.toml"), name);
  const dir = path.join(work, name);
  // Only the options a bundle needs: the bundled script and its text modules replace the source.
  const { modulesRules: _rules, ...bindingOptions } = workerOptions as Record<string, unknown>;
  return {
    ...bindingOptions,
    name: `airline-${name}`,
    modules: true,
    scriptPath: path.join(dir, "index.js"),
    modulesRoot: dir,
    modulesRules: [{ type: "Text" as const, include: ["**/*.css", "**/*swagger-ui-bundle.js"] }],
    bindings: { ...(workerOptions.bindings as Record<string, unknown>), ...vars },
  };
});

const mf = new Miniflare({
  host: "127.0.0.1",
  port,
  workers,
  handleStructuredLogs: ({ message }: { message: string }) => {
    process.stdout.write(`${message}\n`);
  },
} as ConstructorParameters<typeof Miniflare>[0]);
const url = await mf.ready;
process.stdout.write(`ready ${url.origin}\n`);

const booking = (await mf.getWorker("airline-booking")) as unknown as { scheduled(o: { cron: string }): Promise<unknown> };
const cron = setInterval(() => void booking.scheduled({ cron: "* * * * *" }).catch(() => {}), 60_000);
process.on("SIGTERM", () => {
  clearInterval(cron);
  void mf.dispose().then(() => process.exit(0));
});
