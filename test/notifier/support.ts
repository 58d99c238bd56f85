import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll } from "vitest";
import { createDatabase } from "../../db/client";
import { recordBookingEvents } from "../../workers/booking/domain/events";
import type { BookingEventType } from "../../shared/events";
import { useBooking } from "../support/booking";
import { type Child, spawnChild } from "../../scripts/lib/processes";
import { type NatsServer, startNatsServer } from "../support/nats";
import { type ResendStub, startResendStub } from "../support/resend-stub";

/**
 * Settings that keep the notifier's waits short in tests: a 2 s ack wait, retries after 100 ms
 * doubling to 1 s, three deliveries before dead-lettering, no spacing of sends to the stub.
 */
export const FAST = {
  NOTIFIER_PORT: "0",
  NOTIFIER_ACK_WAIT_MS: "2000",
  NOTIFIER_SEND_TIMEOUT_MS: "1000",
  NOTIFIER_RETRY_BASE_MS: "100",
  NOTIFIER_RETRY_MAX_MS: "1000",
  NOTIFIER_RELAY_RETRY_MAX_MS: "1000",
  NOTIFIER_POLL_MS: "250",
  NOTIFIER_MAX_DELIVERIES: "3",
  NOTIFIER_SEND_RATE_PER_SECOND: "0",
};

/**
 * The booking worker, a nats-server of this file's own (so it can be stopped), and a stub of
 * Resend's API. `notifierEnv()` is the notifier's environment pointing at all three.
 */
export function useNotifierRig() {
  const booking = useBooking();
  const rig = { nats: undefined as unknown as NatsServer, stub: undefined as unknown as ResendStub, mailDir: "" };
  let client: NatsConnection | undefined;
  const children: Child[] = [];

  beforeAll(async () => {
    rig.nats = await startNatsServer();
    rig.stub = await startResendStub();
    rig.mailDir = mkdtempSync(path.join(tmpdir(), "airline-mail-"));
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await client?.close();
    await rig.nats?.destroy();
    await rig.stub?.close();
    if (rig.mailDir) rmSync(rig.mailDir, { recursive: true, force: true });
  });

  const notifierEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
    DATABASE_URL: booking.db.url(),
    NATS_URL: rig.nats.url,
    RESEND_API_KEY: rig.stub.apiKey,
    RESEND_BASE_URL: rig.stub.url,
    EMAIL_FROM: "Test Air <bookings@test.example>",
    MAIL_DIR: rig.mailDir,
    ...FAST,
    ...overrides,
  });

  /** A NATS client of the test's own (reconnects after the server restarts). */
  async function nats(): Promise<NatsConnection> {
    client ??= await connect({ servers: rig.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    return client;
  }

  async function streamMessages(): Promise<number> {
    const jsm = await jetstreamManager(await nats());
    return (await jsm.streams.info("BOOKINGS")).state.messages;
  }

  /** Writes one more event for an existing booking into the outbox; returns its id. */
  async function emitEvent(type: BookingEventType, bookingId: string): Promise<string> {
    const db = createDatabase(booking.db.url());
    await db.transaction((tx) => recordBookingEvents(tx, type, [bookingId]));
    const [row] = await booking.db.sql()`select id from outbox_events where type = ${`bookings.${type}`}
      and payload->'booking'->>'id' = ${bookingId} order by occurred_at desc, id limit 1`;
    return row!.id;
  }

  /** A held booking of one passenger on a fresh flight, for tests that only need its events. */
  async function someBooking() {
    const { accessToken, user } = await booking.newUser();
    const flight = await booking.newFlight(1, 2);
    const res = await booking.hold(accessToken, flight.id, [{ name: "Asha Rao" }]);
    if (res.status !== 201) throw new Error(`hold failed: ${res.status} ${res.text}`);
    return { booking: res.body.data, user, accessToken };
  }

  /**
   * `npm run notifier` as a child process (so a test can SIGKILL it), resolved once it runs its
   * relay and consumer. Its log lines are kept in `child.tail`.
   */
  async function spawnNotifier(overrides: Record<string, string> = {}): Promise<Child> {
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const child = spawnChild("notifier", process.execPath, ["--import", "tsx", "notifier/index.ts"], {
      env: { PATH: process.env.PATH, ...notifierEnv(overrides) },
      echo: (line) => {
        if (line.includes('"msg":"notifier running"')) running();
      },
    });
    children.push(child);
    const exited = child.exited.then((code) => {
      throw new Error(`the notifier exited (${code}) before it ran:\n${child.tail.join("\n")}`);
    });
    await Promise.race([started, exited]);
    exited.catch(() => {});
    return child;
  }

  /** SIGKILL to the notifier's process group: no shutdown, no acks, no commits. */
  async function kill(child: Child) {
    process.kill(-child.process.pid!, "SIGKILL");
    await child.exited;
  }

  const emailsFor = (eventId: string) => rig.stub.emails.filter((e) => e.idempotencyKey === eventId);
  const requestsFor = (eventId: string) => rig.stub.requests.filter((r) => r.idempotencyKey === eventId);

  return { ...booking, rig, notifierEnv, nats, streamMessages, emitEvent, someBooking, emailsFor, requestsFor, spawnNotifier, kill };
}
