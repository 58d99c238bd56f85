// Login throughput and latency on Node, next to the bcrypt bound measured in the same run.
// Login does one bcrypt verification, so cores ÷ (time of one verification) is the ceiling it can reach.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { disconnectAll } from "#db-connection";
import { hashPassword, verifyPassword } from "#password";
import { generateSigningKey } from "../scripts/lib/keys";
import { serveWorker, type HostedWorker } from "../scripts/lib/node-host";
import auth from "../workers/auth/index";
import { closedLoops, machineLine, percentile, runMain, withThrowawayDatabase } from "./lib/common";

const CONCURRENCIES = [1, 4, 16, 64];
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const USERS = 64;
const BCRYPT_SAMPLES = 20;
const PASSWORD = "correct horse battery staple";
const BCRYPT_COST = process.env.BCRYPT_COST ?? "10";

interface Run {
  concurrency: number;
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

const median = (sorted: number[]) => percentile(sorted, 50);

function postJson(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function createUsers(base: string): Promise<string[]> {
  const emails = Array.from({ length: USERS }, (_, i) => `bench-${i}@example.com`);
  // A few at a time: signup is bcrypt-bound too, and serial would waste the setup time.
  for (let i = 0; i < emails.length; i += 8) {
    await Promise.all(
      emails.slice(i, i + 8).map(async (email) => {
        const res = await postJson(base, "/api/v1/auth/signup", { email, password: PASSWORD, name: "Bench User" });
        if (res.status !== 201) throw new Error(`signup ${email}: HTTP ${res.status} ${await res.text()}`);
      }),
    );
  }
  return emails;
}

/** N closed loops, each sending the next login as soon as the previous one answers. */
async function measureLogins(base: string, emails: string[], concurrency: number, durationMs: number): Promise<Run> {
  const run = await closedLoops(concurrency, durationMs, 200, (loop, round) =>
    postJson(base, "/api/v1/auth/login", { email: emails[(loop + round * concurrency) % emails.length], password: PASSWORD }),
  );
  return { concurrency, ok: run.latencies.length, errors: run.errors, seconds: run.seconds, latencies: run.latencies };
}

/** Median wall time of one verification, run one after another like a single request would. */
async function bcryptVerifyMs(): Promise<number> {
  const hash = await hashPassword(PASSWORD, Number(BCRYPT_COST));
  await verifyPassword(PASSWORD, hash); // warm the native binding and thread pool
  const samples: number[] = [];
  for (let i = 0; i < BCRYPT_SAMPLES; i++) {
    const t0 = performance.now();
    if (!(await verifyPassword(PASSWORD, hash))) throw new Error("bcrypt verification failed");
    samples.push(performance.now() - t0);
  }
  return median(samples.sort((a, b) => a - b));
}

function table(runs: Run[], bound: number): string {
  const rows = runs.map((r) => {
    const rate = r.ok / r.seconds;
    return `| ${r.concurrency} | ${rate.toFixed(1)} | ${percentile(r.latencies, 50).toFixed(1)} | ${percentile(r.latencies, 99).toFixed(1)} | ${r.errors} | ${(rate / bound).toFixed(2)} |`;
  });
  return ["| concurrency | logins/s | p50 ms | p99 ms | errors | ÷ bcrypt bound |", "|---:|---:|---:|---:|---:|---:|", ...rows].join("\n");
}

// The worker logs one JSON line per request via console.log; thousands of them would bury the table.
// The line is still built (that cost stays in the numbers), only its write is dropped. Warnings and
// errors go to console.error and stay visible.
const print = (line = "") => process.stdout.write(`${line}\n`);
console.log = () => {};

async function main(): Promise<number> {
  const cores = os.availableParallelism();
  print(`# bench:auth — ${new Date().toISOString()}`);
  print(machineLine());
  print(`BCRYPT_COST=${BCRYPT_COST}, ${DURATION_MS / 1000} s per concurrency, ${USERS} users\n`);

  return withThrowawayDatabase("auth", async (url) => {
    let server: HostedWorker | undefined;
    try {
      const env = { DATABASE_URL: url, JWT_PRIVATE_JWK: JSON.stringify(await generateSigningKey()), BCRYPT_COST };
      server = await serveWorker(auth, env, 0);
      const emails = await createUsers(server.url);

      // Measured before the load so the server's own bcrypt work does not inflate it.
      const verifyMs = await bcryptVerifyMs();
      const bound = (cores * 1000) / verifyMs;
      print(`bcrypt verify (cost ${BCRYPT_COST}): median ${verifyMs.toFixed(1)} ms of ${BCRYPT_SAMPLES} → bound ${bound.toFixed(1)} logins/s on ${cores} cores\n`);

      await measureLogins(server.url, emails, 4, 1_000); // warm-up: JIT, pool connections, keep-alive sockets
      const runs: Run[] = [];
      for (const concurrency of CONCURRENCIES) runs.push(await measureLogins(server.url, emails, concurrency, DURATION_MS));
      print(table(runs, bound));

      const errors = runs.reduce((n, r) => n + r.errors, 0);
      if (errors > 0) console.error(`\n${errors} logins did not answer 200`);
      return errors > 0 ? 1 : 0;
    } finally {
      await server?.close();
      await disconnectAll();
    }
  });
}

runMain(main);
