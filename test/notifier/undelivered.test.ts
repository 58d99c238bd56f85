import { spawnSync } from "node:child_process";
import { jetstream, jetstreamManager, type JsMsg } from "@nats-io/jetstream";
import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../db/client";
import { parseNotifierConfig } from "../../notifier/config";
import { startNotifier } from "../../notifier/index";
import { replayDeadLetters } from "../../notifier/replay";
import { useNotifierRig } from "./support";

const rig = useNotifierRig();
const { db, emailsFor } = rig;
const WAIT = { timeout: 20_000, interval: 50 };
// Two deliveries in all (one, plus the consumer's spare), each given up on after one second.
const SHORT = { NOTIFIER_MAX_DELIVERIES: "1", NOTIFIER_ACK_WAIT_MS: "1000", NOTIFIER_SEND_TIMEOUT_MS: "500" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an event whose every delivery went unanswered", () => {
  it("is dead-lettered from JetStream's max-deliveries advisory, unless its email was sent; a replay sends it", async () => {
    const config = parseNotifierConfig(rig.notifierEnv(SHORT));
    const nc = await rig.nats();
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);

    // A first run sets up the streams and consumers, and stops.
    const setup = await startNotifier(config);
    await vi.waitFor(() => jsm.consumers.info("BOOKINGS_UNDELIVERED", "notifier-undelivered"), WAIT);
    await setup.stop();

    // Two held events, published as the relay would; the second one's email is in the sent log.
    const [lost, sentAnyway] = [await rig.someBooking(), await rig.someBooking()];
    const events = await db.sql()`select id, type, payload from outbox_events
      where payload->'booking'->>'id' in (${lost.booking.id}, ${sentAnyway.booking.id})
      order by case when payload->'booking'->>'id' = ${lost.booking.id} then 0 else 1 end`;
    for (const e of events) await js.publish(e.type, JSON.stringify(e.payload), { msgID: e.id });
    const [lostId, sentId] = events.map((e) => e.id as string);
    await db.sql()`insert into notifier_sent_emails (event_id, event_type, booking_id, recipient, provider, provider_message_id)
      values (${sentId!}, 'bookings.held', ${sentAnyway.booking.id}, ${sentAnyway.user.email}, 'resend', 'earlier')`;

    // A notifier that takes both messages and dies before answering, twice.
    const consumer = await js.consumers.get("BOOKINGS", "notifier");
    for (let delivery = 1; delivery <= 2; delivery++) {
      const taken: JsMsg[] = [];
      for await (const msg of await consumer.fetch({ max_messages: 10, expires: 1_000 })) taken.push(msg);
      expect(taken.map((m) => m.info.deliveryCount)).toEqual([delivery, delivery]);
      await sleep(1_200); // past the ack wait
    }
    // The server gives up on a message when it would deliver it again, to a pull that is waiting
    // (a running notifier always has one): nothing more comes, and the advisories are published.
    const after: JsMsg[] = [];
    for await (const msg of await consumer.fetch({ max_messages: 10, expires: 1_000 })) after.push(msg);
    expect(after).toHaveLength(0);
    await vi.waitFor(async () => expect((await jsm.streams.info("BOOKINGS_UNDELIVERED")).state.messages).toBe(2), WAIT);

    const notifier = await startNotifier(config);
    try {
      await vi.waitFor(async () => {
        const [info] = [await jsm.consumers.info("BOOKINGS_UNDELIVERED", "notifier-undelivered")];
        expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
      }, WAIT);
      const dead = await db.sql()`select event_id, subject, deliveries, last_error, payload->>'id' as payload_id from notifier_dead_letters`;
      expect(dead).toEqual([
        { event_id: lostId, subject: "bookings.held", deliveries: 2, last_error: expect.stringContaining("no answer"), payload_id: lostId },
      ]);
      expect(notifier.metrics.deadLettered).toBe(1);
      expect(emailsFor(lostId!)).toHaveLength(0);

      // Replayed: sent once, and the dead letter is gone.
      const result = await replayDeadLetters(createDatabase(db.url()), js, [lostId!, "00000000-0000-4000-8000-000000000000"]);
      expect(result).toEqual({ replayed: [lostId], alreadySent: [], notFound: ["00000000-0000-4000-8000-000000000000"] });
      await vi.waitFor(() => expect(emailsFor(lostId!)).toHaveLength(1), WAIT);
      await vi.waitFor(async () => expect(await db.sql()`select 1 from notifier_dead_letters`).toHaveLength(0), WAIT);
      expect(emailsFor(sentId!)).toHaveLength(0);
    } finally {
      await notifier.stop();
    }
  });
});

describe("npm run notifier:replay", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/replay-dead-letters.ts", ...args], {
      env: { PATH: process.env.PATH, ...rig.notifierEnv() },
      encoding: "utf8",
      timeout: 30_000,
    });

  it("lists the dead letters, and refuses what is not an event id", async () => {
    const { booking } = await rig.someBooking();
    const eventId = "5b0e8f8e-8d5e-4b7e-9b8a-3c9a2f6d7e10";
    await db.sql()`insert into notifier_dead_letters (event_id, subject, stream_sequence, deliveries, last_error, payload)
      values (${eventId}, 'bookings.held', 1, 5, 'HTTP 422: invalid recipient', ${db.sql().json({ booking: { id: booking.id } })})`;
    const listed = run();
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${eventId}  bookings.held`);
    expect(listed.stdout).toContain("HTTP 422: invalid recipient");

    const bad = run("not-an-id");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("not an event id: not-an-id");
    expect(bad.stderr).not.toContain("at ");
  });
});
