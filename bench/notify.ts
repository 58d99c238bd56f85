// Notifier throughput: a burst of 10,000 booking events committed to the outbox in one transaction,
// timed until the Resend stub has accepted every email. Everything is real but the mail provider:
// PostgreSQL (a throwaway database), a nats-server of its own with JetStream file storage, the
// notifier as its own process (`npm run notifier`: relay + consumer) and the resend SDK over HTTP
// to a stub of Resend's API in this process, which timestamps each email it accepts.
import { performance } from "node:perf_hooks";
import { sql as q } from "drizzle-orm";
import postgres from "postgres";
import { disconnectAll } from "#db-connection";
import { createDatabase } from "../db/client";
import { recordBookingEvents } from "../workers/booking/domain/events";
import { seedCatalog } from "../db/seed/index";
import { freePort, spawnChild, waitForHttp } from "../scripts/lib/processes";
import { startNatsServer } from "../test/support/nats";
import { startResendStub } from "../test/support/resend-stub";
import { ResendTransport } from "../notifier/mail/transport";
import { machineLine, percentile, withThrowawayDatabase } from "./lib/common";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
/** Emails in flight at once (NOTIFIER_CONCURRENCY): one round each. */
const CONCURRENCIES = (process.env.BENCH_CONCURRENCIES ?? "16,64").split(",").map(Number);
/** Events committed one at a time after each burst. */
const SINGLE_EVENTS = 20;

const print = (line = "") => process.stdout.write(`${line}\n`);

interface Round {
  concurrency: number;
  /** Emails/s the resend SDK alone gets from the stub at this concurrency (no NATS, no database). */
  ceiling: number;
  commitMs: number;
  inStreamMs: number;
  allSentMs: number;
  p50: number;
  p99: number;
  emails: number;
  sentLog: number;
  repeatedRequests: number;
  /** Commit→send of one event at a time after the burst. */
  singleP50: number;
  singleMax: number;
}

async function main() {
  print(`# bench:notify — ${new Date().toISOString()}`);
  print(machineLine());
  print(`${EVENTS} events per burst, committed in one transaction; relay batch 200, fetch batch 200, no send rate limit\n`);

  const nats = await startNatsServer();
  const stub = await startResendStub();
  await withThrowawayDatabase("notify", async (url) => {
    try {
      const sql = postgres(url, { max: 4, onnotice: () => {} });
      const bookingIds = await confirmedBookings(sql, EVENTS);
      await sql.end();

      const rounds: Round[] = [];
      for (const concurrency of CONCURRENCIES) {
        const ceiling = await sdkCeiling(stub, concurrency);
        rounds.push({ ...(await burst(url, nats.url, stub, bookingIds, concurrency)), ceiling });
      }
      print(
        "| NOTIFIER_CONCURRENCY | insert + commit | all in the stream | all emails accepted | events/s | SDK-only emails/s | ÷ SDK-only | p50 commit→send | p99 commit→send | emails | sent log | repeated sends |",
      );
      print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (const r of rounds) {
        const rate = (EVENTS * 1000) / r.allSentMs;
        print(
          `| ${r.concurrency} | ${r.commitMs.toFixed(0)} ms | ${(r.inStreamMs / 1000).toFixed(2)} s | ${(r.allSentMs / 1000).toFixed(2)} s | ` +
            `${Math.round(rate)} | ${Math.round(r.ceiling)} | ${(rate / r.ceiling).toFixed(2)} | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ` +
            `${r.emails} | ${r.sentLog} | ${r.repeatedRequests} |`,
        );
      }
      print();
      for (const r of rounds) {
        print(
          `NOTIFIER_CONCURRENCY=${r.concurrency}: ${SINGLE_EVENTS} single events, one at a time: commit→send p50 ${r.singleP50.toFixed(0)} ms, max ${r.singleMax.toFixed(0)} ms`,
        );
      }
    } finally {
      await disconnectAll();
    }
  }).finally(async () => {
    await stub.close();
    await nats.destroy();
  });
}

/**
 * The bound measured alongside: the same SDK sending the same emails to the same stub at the same
 * concurrency, with nothing else (no NATS, no database, no sent log). Runs in this process, beside
 * the stub, where the notifier has a process of its own: an optimistic bound on two cores.
 */
async function sdkCeiling(stub: Awaited<ReturnType<typeof startResendStub>>, concurrency: number): Promise<number> {
  const transport = new ResendTransport(stub.apiKey, "Airline <bookings@example.com>", 10_000, stub.url);
  const email = { to: "bench@example.com", subject: "Booking confirmed", html: "<p>confirmed</p>".repeat(40), text: "confirmed\n".repeat(40) };
  const total = 3_000;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await transport.send(email, crypto.randomUUID());
      }
    }),
  );
  const rate = (total * 1000) / (performance.now() - start);
  stub.emails.length = 0;
  stub.requests.length = 0;
  return rate;
}

/** One user, one flight of the demo network, and `count` confirmed bookings of one passenger. */
async function confirmedBookings(sql: postgres.Sql, count: number): Promise<string[]> {
  await seedCatalog(sql, { days: 1 });
  const [user] = await sql`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench Passenger', 'x') returning id`;
  const [flight] = await sql`select f.id, fc.price_amount, f.currency from flights f
    join flight_cabins fc on fc.flight_id = f.id and fc.cabin = 'economy' order by f.departure_time desc limit 1`;
  const rows = await sql`
    insert into bookings (user_id, status, total_amount, currency, hold_expires_at, confirmed_at)
    select ${user!.id}, 'confirmed', ${flight!.price_amount}, ${flight!.currency}, now(), now()
    from generate_series(1, ${count}) returning id`;
  await sql`insert into booking_flights (booking_id, position, flight_id, cabin, fare_amount)
    select id, 0, ${flight!.id}, 'economy', total_amount from bookings`;
  await sql`insert into booking_passengers (booking_id, flight_id, position, name, row, letter)
    select id, ${flight!.id}, 0, 'Bench Passenger', 1, 'A' from bookings`;
  return rows.map((r) => r.id as string);
}

async function burst(
  databaseUrl: string,
  natsUrl: string,
  stub: Awaited<ReturnType<typeof startResendStub>>,
  bookingIds: string[],
  concurrency: number,
): Promise<Omit<Round, "ceiling">> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    RESEND_API_KEY: stub.apiKey,
    RESEND_BASE_URL: stub.url,
    NOTIFIER_PORT: String(port),
    NOTIFIER_CONCURRENCY: String(concurrency),
    NOTIFIER_RELAY_BATCH_SIZE: "200",
    NOTIFIER_FETCH_BATCH_SIZE: "200",
    NOTIFIER_SEND_RATE_PER_SECOND: "0",
  };
  const notifier = spawnChild("notifier", process.execPath, ["--import", "tsx", "notifier/index.ts"], { env });
  const db = createDatabase(databaseUrl);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, notifier, 30_000);
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/health`)).ok; i++) {
      if (i > 200) throw new Error(`the notifier did not connect to NATS:\n${notifier.tail.join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    stub.emails.length = 0;
    stub.requests.length = 0;
    const sentLog = async () => (await db.execute<{ n: number }>(q`select count(*)::int as n from notifier_sent_emails`))[0]!.n;
    const unpublished = async () =>
      (await db.execute<{ n: number }>(q`select count(*)::int as n from outbox_events where published_at is null`))[0]!.n;
    const before = await sentLog();
    const now = () => performance.timeOrigin + performance.now();

    const t0 = now();
    await db.transaction((tx) => recordBookingEvents(tx, "confirmed", bookingIds));
    const committed = now();

    // Polls every 10 ms: when the relay had committed the last publish, and when the stub had every email.
    let inStream: number | undefined;
    const deadline = Date.now() + 10 * 60_000;
    while (stub.emails.length < bookingIds.length || inStream === undefined) {
      if (Date.now() > deadline) throw new Error(`only ${stub.emails.length} of ${bookingIds.length} emails after 10 minutes`);
      if (inStream === undefined && (await unpublished()) === 0) inStream = now();
      await new Promise((r) => setTimeout(r, 10));
    }
    const latencies = stub.emails.map((e) => e.acceptedAt - committed).sort((a, b) => a - b);
    // The consumer records each email right after the stub's answer: give the last ones a moment.
    for (let i = 0; i < 100 && (await sentLog()) - before < bookingIds.length; i++) await new Promise((r) => setTimeout(r, 50));
    const perKey = new Map<string, number>();
    for (const r of stub.requests) perKey.set(r.idempotencyKey ?? "", (perKey.get(r.idempotencyKey ?? "") ?? 0) + 1);

    const emails = stub.emails.length;
    const sentLogged = (await sentLog()) - before;

    // Then single events on a quiet system: how soon NOTIFY gets one email out.
    const singles: number[] = [];
    for (let i = 0; i < SINGLE_EVENTS; i++) {
      stub.emails.length = 0;
      await db.transaction((tx) => recordBookingEvents(tx, "reminder", [bookingIds[i]!]));
      const at = now();
      while (stub.emails.length === 0) await new Promise((r) => setTimeout(r, 1));
      singles.push(stub.emails[0]!.acceptedAt - at);
    }
    singles.sort((a, b) => a - b);
    return {
      concurrency,
      commitMs: committed - t0,
      inStreamMs: inStream - committed,
      allSentMs: latencies[latencies.length - 1]!,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      emails,
      sentLog: sentLogged,
      repeatedRequests: [...perKey.values()].filter((n) => n > 1).length,
      singleP50: percentile(singles, 50),
      singleMax: singles[singles.length - 1]!,
    };
  } finally {
    await notifier.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
