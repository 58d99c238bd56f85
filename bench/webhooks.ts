// Partner webhooks: how many events a second reach N local receivers, and how long an airline
// cancellation of a 1,000-booking flight takes to reach every booking and every receiver.
// Everything is real but the partners and the mail provider: PostgreSQL (a throwaway database), a
// nats-server of its own, the notifier as its own process (`npm run notifier`: relay, email
// consumer, webhook fan-out and dispatcher) and, in this process, N HTTP receivers on 127.0.0.1
// and a stub of Resend's API. The email consumer runs too (every event is also an email), as it
// would in production: both share the notifier's CPU.
import { performance } from "node:perf_hooks";
import os from "node:os";
import postgres from "postgres";
import { disconnectAll } from "#db-connection";
import { createDatabase } from "../db/client";
import { seedCatalog } from "../db/seed/index";
import { WebhookSender } from "../notifier/webhooks/sender";
import { freePort, spawnChild, waitForHttp } from "../scripts/lib/processes";
import { signWebhook } from "../shared/webhooks";
import { startNatsServer } from "../test/support/nats";
import { startResendStub } from "../test/support/resend-stub";
import { type Receiver, startReceiver } from "../test/support/webhooks";
import { cascadeCancellation, changeFlight } from "../workers/booking/domain/flight-changes";
import { recordBookingEvents } from "../workers/booking/domain/events";
import { machineLine, percentile, withThrowawayDatabase } from "./lib/common";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const RECEIVERS = (process.env.BENCH_RECEIVERS ?? "1,4").split(",").map(Number);
const FLIGHT_BOOKINGS = Number(process.env.BENCH_FLIGHT_BOOKINGS ?? 1_000);
const CANCEL_RECEIVERS = Number(process.env.BENCH_CANCEL_RECEIVERS ?? 4);
const CONCURRENCY = 64;
const PER_ENDPOINT = 16;

const print = (line = "") => process.stdout.write(`${line}\n`);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  print(`# bench:webhooks — ${new Date().toISOString()}`);
  print(machineLine());
  print(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  print(`WEBHOOK_CONCURRENCY=${CONCURRENCY}, WEBHOOK_ENDPOINT_CONCURRENCY=${PER_ENDPOINT}; receivers answer 200 at once\n`);

  const nats = await startNatsServer();
  const stub = await startResendStub();
  await withThrowawayDatabase("webhooks", async (url) => {
    const port = await freePort();
    const notifier = spawnChild("notifier", process.execPath, ["--import", "tsx", "notifier/index.ts"], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        NATS_URL: nats.url,
        RESEND_API_KEY: stub.apiKey,
        RESEND_BASE_URL: stub.url,
        NOTIFIER_PORT: String(port),
        NOTIFIER_SEND_RATE_PER_SECOND: "0",
        NOTIFIER_RELAY_BATCH_SIZE: "200",
        NOTIFIER_FETCH_BATCH_SIZE: "200",
        ENVIRONMENT: "development",
        WEBHOOK_CONCURRENCY: String(CONCURRENCY),
        WEBHOOK_ENDPOINT_CONCURRENCY: String(PER_ENDPOINT),
        WEBHOOK_POLL_MS: "200",
      },
    });
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    const db = createDatabase(url);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, notifier, 30_000);
      for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/health`)).ok; i++) {
        if (i > 200) throw new Error(`the notifier did not connect to NATS:\n${notifier.tail.join("\n")}`);
        await sleep(50);
      }
      await sleep(1_000); // its consumers are created just after /health turns green
      const { userId, flightId: burstFlight } = await prepare(sql);
      const burstBookings = await confirmedBookings(sql, userId, burstFlight, EVENTS);

      print("## Throughput: a burst of events committed at once, to N receivers\n");
      print("| receivers | events | deliveries | all in the stream | all written (fan-out) | all delivered | events/s | deliveries/s | sender-only deliveries/s | ÷ sender-only | p50 commit→delivery | p99 |");
      print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (const n of RECEIVERS) {
        const receivers = await endpoints(sql, n);
        const ceiling = await senderCeiling(receivers, EVENTS);
        await db.transaction((tx) => recordBookingEvents(tx, "reminder", burstBookings));
        const committed = now();
        let inStream = 0;
        await until(
          () => receivers.every((r) => r.requests.length >= EVENTS),
          5 * 60_000,
          () => `${receivers.map((r) => r.requests.length)} of ${EVENTS}`,
          async () => {
            if (!inStream && (await sql`select 1 from outbox_events where published_at is null limit 1`).length === 0) inStream = now();
          },
        );
        const latencies = receivers.flatMap((r) => r.requests.map((x) => x.at - committed)).sort((a, b) => a - b);
        const total = latencies.at(-1)!;
        const [written] = await sql`select extract(epoch from max(created_at))::float8 * 1000 as at from webhook_deliveries`;
        const fanout = `${((written!.at - committed) / 1000).toFixed(2)} s`;
        const rate = (EVENTS * n * 1000) / total;
        print(
          `| ${n} | ${EVENTS} | ${EVENTS * n} | ${((inStream - committed) / 1000).toFixed(2)} s | ${fanout} | ${(total / 1000).toFixed(2)} s | ${Math.round((EVENTS * 1000) / total)} | ${Math.round(rate)} | ` +
            `${Math.round(ceiling)} | ${(rate / ceiling).toFixed(2)} | ${percentile(latencies, 50).toFixed(0)} ms | ${percentile(latencies, 99).toFixed(0)} ms |`,
        );
        await clearEndpoints(sql, receivers);
        await waitForEmails(stub, EVENTS);
      }

      print(`\n## An airline cancellation of a ${FLIGHT_BOOKINGS}-booking flight, ${CANCEL_RECEIVERS} receivers\n`);
      const flightId = await bigFlight(sql, userId);
      const bookings = await confirmedBookings(sql, userId, flightId, FLIGHT_BOOKINGS, true);
      const receivers = await endpoints(sql, CANCEL_RECEIVERS);
      stub.emails.length = 0;
      const t0 = now();
      const { change } = await changeFlight(db, { userId, roles: ["admin"] }, flightId, { status: "cancelled" }, 180);
      const answered = now();
      const cascade = await cascadeCancellation(db, change!.id, 100);
      const cascaded = now();
      const expected = FLIGHT_BOOKINGS + 1; // one bookings.flight_cancelled per booking, and flights.changed
      await until(() => receivers.every((r) => r.requests.length >= expected), 5 * 60_000, () => `${receivers.map((r) => r.requests.length)} of ${expected}`);
      const lastDelivery = Math.max(...receivers.flatMap((r) => r.requests.map((x) => x.at)));
      await until(() => stub.emails.length >= FLIGHT_BOOKINGS, 5 * 60_000, () => `${stub.emails.length} emails`);
      const lastEmail = Math.max(...stub.emails.map((e) => e.acceptedAt));
      const [state] = await sql`select count(*) filter (where status = 'cancelled')::int as cancelled,
          (select count(*)::int from refunds) as refunds from bookings where id = any(${bookings})`;
      const seconds = (t: number) => `${((t - t0) / 1000).toFixed(2)} s`;
      print("| step | after the admin's request |");
      print("|---|---:|");
      print(`| admin answered (flight cancelled, change recorded) | ${seconds(answered)} |`);
      print(`| every booking cancelled and refunded (${cascade.cancelled} in batches of 100) | ${seconds(cascaded)} |`);
      print(`| every receiver had every event (${CANCEL_RECEIVERS} × ${expected}) | ${seconds(lastDelivery)} |`);
      print(`| every customer's email accepted (${FLIGHT_BOOKINGS}) | ${seconds(lastEmail)} |`);
      print(`\nbookings cancelled: ${state!.cancelled}/${FLIGHT_BOOKINGS}, refunds: ${state!.refunds}; ` +
        `repeated deliveries: ${receivers.reduce((n, r) => n + r.requests.length - new Set(r.requests.map((x) => x.headers["webhook-id"])).size, 0)}`);
      print(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
      await clearEndpoints(sql, receivers);
    } finally {
      await notifier.stop();
      await sql.end({ timeout: 5 });
      await disconnectAll();
    }
  }).finally(async () => {
    await stub.close();
    await nats.destroy();
  });
}

async function until(done: () => boolean, timeoutMs: number, progress: () => string, poll?: () => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${progress()}`);
    await (poll ? poll() : undefined);
    await sleep(poll ? 20 : 5);
  }
  await poll?.();
}

async function waitForEmails(stub: Awaited<ReturnType<typeof startResendStub>>, count: number) {
  await until(() => stub.emails.length >= count, 5 * 60_000, () => `${stub.emails.length} emails`);
  stub.emails.length = 0;
  stub.requests.length = 0;
}

/** The same signed POSTs from this process straight to the receivers: the bound with no database, NATS or notifier. */
async function senderCeiling(receivers: Receiver[], perReceiver: number): Promise<number> {
  const sender = new WebhookSender(false, 10_000);
  const body = JSON.stringify({ id: crypto.randomUUID(), type: "bookings.reminder", createdAt: new Date().toISOString(), data: { booking: { id: "x".repeat(900) } } });
  const jobs = receivers.flatMap((r) => Array.from({ length: Math.min(perReceiver, 1_000) }, () => r));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, PER_ENDPOINT * receivers.length) }, async () => {
      while (next < jobs.length) {
        const receiver = jobs[next++]!;
        const ts = Math.floor(Date.now() / 1000);
        await sender.post(receiver.url, body, { "Webhook-Id": "x", "Webhook-Timestamp": String(ts), "Webhook-Signature": await signWebhook("whsec_bench", ts, body) });
      }
    }),
  );
  const rate = (jobs.length * 1000) / (performance.now() - start);
  sender.close();
  for (const r of receivers) r.requests.length = 0;
  return rate;
}

async function endpoints(sql: postgres.Sql, n: number): Promise<Receiver[]> {
  const receivers = await Promise.all(Array.from({ length: n }, () => startReceiver()));
  for (const r of receivers) await sql`insert into webhook_endpoints (url, event_types, secret) values (${r.url}, array['*'], 'whsec_bench')`;
  return receivers;
}

async function clearEndpoints(sql: postgres.Sql, receivers: Receiver[]) {
  await sql`delete from webhook_endpoints`; // and their deliveries
  await sql`delete from webhook_events`;
  await Promise.all(receivers.map((r) => r.close()));
}

async function prepare(sql: postgres.Sql) {
  await seedCatalog(sql, { days: 1 });
  const [user] = await sql`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench Admin', 'x') returning id`;
  const [flight] = await sql`select id from flights order by departure_time desc limit 1`;
  return { userId: user!.id as string, flightId: flight!.id as string };
}

/** A flight like the last of the demo network, departing in 30 days (the cancellation's victim). */
async function bigFlight(sql: postgres.Sql, _userId: string): Promise<string> {
  const [flight] = await sql`select id from flights order by departure_time desc offset 1 limit 1`;
  return flight!.id as string;
}

/** `count` confirmed, paid bookings of one passenger on `flightId` (seats are not the point here). */
async function confirmedBookings(sql: postgres.Sql, userId: string, flightId: string, count: number, paid = false): Promise<string[]> {
  const [fare] = await sql`select fc.price_amount, f.currency from flights f join flight_cabins fc on fc.flight_id = f.id and fc.cabin = 'economy' where f.id = ${flightId}`;
  const rows = await sql`
    insert into bookings (user_id, status, total_amount, currency, hold_expires_at, confirmed_at)
    select ${userId}, 'confirmed', ${fare!.price_amount}, ${fare!.currency}, now(), now() from generate_series(1, ${count}) returning id`;
  const ids = rows.map((r) => r.id as string);
  await sql`insert into booking_flights (booking_id, position, flight_id, cabin, fare_amount)
    select id, 0, ${flightId}, 'economy', total_amount from bookings where id = any(${ids})`;
  await sql`insert into booking_passengers (booking_id, flight_id, position, name, row, letter)
    select id, ${flightId}, 0, 'Bench Passenger', 1, 'A' from bookings where id = any(${ids})`;
  if (paid) {
    await sql`insert into payments (booking_id, amount, currency, provider, provider_reference)
      select id, total_amount, currency, 'bench', id::text from bookings where id = any(${ids})`;
  }
  return ids;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
