import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectAll } from "#db-connection";
import { type Child, spawnChild } from "../../scripts/lib/processes";
import { runHousekeeping } from "../../workers/booking/index";
import { httpClient } from "../support/client";
import { type NatsServer, startNatsServer } from "../support/nats";
import { type OwnPostgres, startOwnPostgres } from "../support/own-postgres";
import { type ResendStub, startResendStub } from "../support/resend-stub";

// The database and the broker going away under load (issue: survive the database and the network
// going away). The system runs in a process of its own (test/faults/host.ts) against a PostgreSQL
// and a nats-server this file owns, so it can cut, stop, kill and restart them. Each scenario drives
// holds and payments through the gateway while the fault happens, then checks: the process never
// exited; the only errors were 503 DEPENDENCY_UNAVAILABLE, and none later than 2 s after the fault
// ended; no answered booking is missing; every event was emailed exactly once. The figures go to
// .data/faults-report.json (docs/reliability.md).
let pg: OwnPostgres;
let nats: NatsServer;
let resend: ResendStub;
let host: Child;
let mailDir: string;
let urls: { gateway: string; booking: string; notifier: string };
let sql: postgres.Sql;
const report: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  [pg, nats, resend] = await Promise.all([startOwnPostgres(), startNatsServer(), startResendStub()]);
  mailDir = mkdtempSync(path.join(tmpdir(), "airline-faults-mail-"));
  sql = postgres(pg.url, { max: 2, onnotice: () => {}, backoff: () => 0.2 });
  let ready!: (line: string) => void;
  const serving = new Promise<string>((resolve) => (ready = resolve));
  host = spawnChild("host", process.execPath, ["--import", "tsx", "test/faults/host.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      NATS_URL: nats.url,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      MAIL_DIR: mailDir,
      NOTIFIER_POLL_MS: "200",
      NOTIFIER_SEND_RATE_PER_SECOND: "0",
      NOTIFIER_RETRY_BASE_MS: "200",
      NOTIFIER_RETRY_MAX_MS: "2000",
      NOTIFIER_RELAY_RETRY_MAX_MS: "1000",
      NOTIFIER_ACK_WAIT_MS: "3000",
      NOTIFIER_SEND_TIMEOUT_MS: "2000",
      NOTIFIER_MAX_DELIVERIES: "20",
    },
    echo: (line) => {
      if (line.startsWith("{\"gateway\"")) ready(line);
    },
  });
  urls = JSON.parse(await Promise.race([serving, host.exited.then(() => Promise.reject(new Error(`host exited:\n${host.tail.join("\n")}`)))]));
  await seed();
}, 120_000);

afterAll(async () => {
  mkdirSync(".data", { recursive: true });
  writeFileSync(".data/faults-report.json", `${JSON.stringify(report, null, 2)}\n`);
  await host?.stop();
  await disconnectAll();
  await sql?.end({ timeout: 1 });
  await Promise.all([nats?.destroy(), resend?.close(), pg?.destroy()]);
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

const call = httpClient(() => urls.gateway);
const customers: string[] = [];
const flights: { id: string; amount: number }[] = [];

async function seed() {
  const json = (res: { status: number; text: string; body: any }) => {
    if (res.status >= 300) throw new Error(`seed: ${res.status} ${res.text}`);
    return res.body.data;
  };
  const admin = json(await call("POST", "/api/v1/auth/signup", { body: { email: "ops@example.com", password: "correct horse", name: "Ops" } }));
  await sql`insert into user_roles (user_id, role) values (${admin.id}, 'admin')`;
  const adminToken = json(await call("POST", "/api/v1/auth/login", { body: { email: "ops@example.com", password: "correct horse" } })).accessToken;
  const city = json(await call("POST", "/api/v1/cities", { token: adminToken, body: { name: "Faultville", country: "IN" } }));
  for (const code of ["FLA", "FLB"]) json(await call("POST", "/api/v1/airports", { token: adminToken, body: { code, name: code, cityId: city.id, timeZone: "Asia/Kolkata" } }));
  const plane = json(await call("POST", "/api/v1/airplanes", { token: adminToken, body: { model: "Fault", cabins: [{ cabin: "economy", rows: 60, seatsPerRow: 10 }] } }));
  for (let i = 0; i < 4; i++) {
    // Flight 0 departs within REMINDER_HOURS (24): its confirmed bookings get reminders.
    const departure = new Date(Date.now() + (i === 0 ? 6 : 72 + i) * 3_600_000);
    const flight = json(
      await call("POST", "/api/v1/flights", {
        token: adminToken,
        body: {
          flightNumber: `FT ${i + 1}`,
          airplaneId: plane.id,
          from: "FLA",
          to: "FLB",
          departureTime: departure.toISOString(),
          arrivalTime: new Date(departure.getTime() + 3_600_000).toISOString(),
          price: { amount: 1000, currency: "INR" },
        },
      }),
    );
    flights.push({ id: flight.id, amount: 1000 });
  }
  for (let i = 0; i < 8; i++) {
    const email = `buyer${i}@example.com`;
    json(await call("POST", "/api/v1/auth/signup", { body: { email, password: "correct horse", name: `Buyer ${i}` } }));
    customers.push(json(await call("POST", "/api/v1/auth/login", { body: { email, password: "correct horse" } })).accessToken);
  }
}

interface Tally {
  requests: number;
  ok: number;
  conflicts: number;
  unavailable: number;
  other: string[];
  last503: number;
  holds: string[];
  paid: string[];
}

/** Every customer buying (hold, then pay) in a loop until `stop()`; what each answer was, and when. */
function drive(flightIds: string[]) {
  const tally: Tally = { requests: 0, ok: 0, conflicts: 0, unavailable: 0, other: [], last503: 0, holds: [], paid: [] };
  let running = true;
  const record = (res: { status: number; body: any }) => {
    tally.requests++;
    if (res.status < 300) tally.ok++;
    else if (res.status === 409) tally.conflicts++;
    else if (res.status === 503 && res.body?.error?.code === "DEPENDENCY_UNAVAILABLE") {
      tally.unavailable++;
      tally.last503 = Date.now();
    } else tally.other.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  };
  const loops = customers.map(async (token, i) => {
    for (let n = 0; running; n++) {
      const flightId = flightIds[(i + n) % flightIds.length]!;
      const held = await call("POST", "/api/v1/bookings", { token, body: { flightId, passengers: [{ name: `P${n}` }] } }).catch(() => ({ status: 0, body: null }));
      record(held as { status: number; body: any });
      if (held.status !== 201) continue;
      tally.holds.push(held.body.data.id);
      const paid = await call("POST", `/api/v1/bookings/${held.body.data.id}/payments`, { token, body: { amount: held.body.data.totalAmount } }).catch(() => ({
        status: 0,
        body: null,
      }));
      record(paid as { status: number; body: any });
      if (paid.status === 200) tally.paid.push(held.body.data.id);
    }
  });
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

/** Waits until every booking event in the outbox has reached the mail stub, and counts. */
async function everyEventEmailed(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await sql`select id from outbox_events where type like 'bookings.%'`).map((r) => r.id as string);
    const emailed = new Map<string, number>();
    for (const e of resend.emails) emailed.set(e.idempotencyKey ?? "", (emailed.get(e.idempotencyKey ?? "") ?? 0) + 1);
    const missing = events.filter((id) => !emailed.has(id));
    const doubled = events.filter((id) => (emailed.get(id) ?? 0) > 1);
    const [sent] = await sql`select count(*)::int as n from notifier_sent_emails`;
    if ((missing.length === 0 && sent!.n >= events.length) || Date.now() > deadline) {
      return { events: events.length, emailed: events.length - missing.length, missing: missing.length, doubled: doubled.length, sentLog: sent!.n };
    }
    await sleep(250);
  }
}

async function bookingsLost(tally: Tally) {
  const found = await sql`select id, status, (select count(*)::int from payments p where p.booking_id = b.id) as paid
    from bookings b where id = any(${tally.holds}::uuid[])`;
  const byId = new Map(found.map((r) => [r.id as string, r]));
  return {
    holdsMissing: tally.holds.filter((id) => !byId.has(id)).length,
    paymentsMissing: tally.paid.filter((id) => byId.get(id)?.status !== "confirmed" || byId.get(id)?.paid !== 1).length,
  };
}

const hostAlive = () => host.process.exitCode === null && host.process.signalCode === null;

/** Runs a fault under load and checks the scenario's promises; returns its figures. */
async function scenario(name: string, fault: () => Promise<void>, options: { quietMs?: number; maxUnavailable?: number } = {}) {
  const load = drive(flights.slice(1).map((f) => f.id));
  await sleep(1_000);
  const faultStarted = Date.now();
  await fault();
  const faultEnded = Date.now();
  await sleep(options.quietMs ?? 4_000);
  const tally = await load.stop();
  const lost = await bookingsLost(tally);
  const mail = await everyEventEmailed();
  const settleMs = tally.last503 ? Math.max(0, tally.last503 - faultEnded) : 0;
  const figures = {
    requests: tally.requests,
    ok: tally.ok,
    conflicts: tally.conflicts,
    unavailable503: tally.unavailable,
    otherErrors: tally.other.length,
    faultMs: faultEnded - faultStarted,
    last503AfterFaultMs: settleMs,
    processExits: hostAlive() ? 0 : 1,
    ...lost,
    ...mail,
  };
  report[name] = figures;
  expect(tally.other, "errors other than 503 DEPENDENCY_UNAVAILABLE").toEqual([]);
  expect(hostAlive(), `the host exited:\n${host.tail.join("\n")}`).toBe(true);
  expect(settleMs, "503s more than 2 s after the fault ended").toBeLessThanOrEqual(2_000);
  expect(lost).toEqual({ holdsMissing: 0, paymentsMissing: 0 });
  expect(mail.missing).toBe(0);
  expect(mail.doubled).toBe(0);
  expect(tally.ok).toBeGreaterThan(0);
  if (options.maxUnavailable !== undefined) expect(tally.unavailable).toBeLessThanOrEqual(options.maxUnavailable);
  return figures;
}

describe("faults under load", () => {
  it("every PostgreSQL backend terminated, three rounds 500 ms apart", async () => {
    await scenario("terminate backends ×3", async () => {
      for (let round = 0; round < 3; round++) {
        await pg.terminateBackends();
        if (round < 2) await sleep(500);
      }
    });
  }, 120_000);

  it("PostgreSQL stopped, and started again 5 s later", async () => {
    await scenario("PostgreSQL restart", async () => {
      await pg.stop();
      await sleep(5_000);
      await pg.start();
    });
  }, 120_000);

  it("nats-server killed (SIGKILL) and restarted 3 s later: bookings never notice", async () => {
    await scenario(
      "NATS SIGKILL + restart",
      async () => {
        await nats.stop({ kill: true });
        await sleep(3_000);
        await nats.start();
      },
      { maxUnavailable: 0 },
    );
  }, 120_000);

  it("expired holds and reminders go out once each while backends are terminated", async () => {
    // Holds that have run out, and confirmed bookings on the flight departing within REMINDER_HOURS.
    const soon = flights[0]!;
    const made: string[] = [];
    for (const token of customers.slice(0, 4)) {
      for (let i = 0; i < 3; i++) {
        const held = await call("POST", "/api/v1/bookings", { token, body: { flightId: soon.id, passengers: [{ name: "Soon" }] } });
        made.push(held.body.data.id);
        if (i === 0) await call("POST", `/api/v1/bookings/${held.body.data.id}/payments`, { token, body: { amount: held.body.data.totalAmount } });
      }
    }
    await sql`update bookings set hold_expires_at = now() - interval '1 second' where id = any(${made}::uuid[]) and status = 'held'`;
    await sql`update seats set held_until = now() - interval '1 second' where booking_id = any(${made}::uuid[]) and held_until is not null`;
    const env = { DATABASE_URL: pg.url, JWT_PUBLIC_JWKS: '{"keys":[{"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"k"}]}' };
    // The Cron Trigger, run while the backends are cut: a run that fails is simply run again.
    const housekeeping = (async () => {
      for (let attempt = 0; attempt < 40; attempt++) {
        try {
          await runHousekeeping(env);
          const [left] = await sql`select count(*)::int as n from bookings where id = any(${made}::uuid[]) and status = 'held'`;
          if (left!.n === 0) return;
        } catch {
          // cut mid-run: try again
        }
        await sleep(250);
      }
    })();
    await scenario("expiry + reminders under terminate ×3", async () => {
      for (let round = 0; round < 3; round++) {
        await pg.terminateBackends();
        if (round < 2) await sleep(500);
      }
      await housekeeping;
    });
    const events = await sql`select type, count(*)::int as n from outbox_events
      where payload->'booking'->>'id' = any(${made}::text[]) and type in ('bookings.expired', 'bookings.reminder') group by type order by type`;
    expect(events).toEqual([
      { type: "bookings.expired", n: 8 },
      { type: "bookings.reminder", n: 4 },
    ]);
  }, 120_000);
});
