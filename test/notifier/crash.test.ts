import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../db/client";
import { recordBookingEvents } from "../../workers/booking/domain/events";
import { useNotifierRig } from "./support";

const rig = useNotifierRig();
const { db, emailsFor, requestsFor } = rig;
const WAIT = { timeout: 20_000, interval: 50 };

const sentCount = async () => (await db.sql()`select count(*)::int as n from notifier_sent_emails`)[0]!.n as number;

describe("the notifier dies", () => {
  it("between Resend accepting an email and the ack: the redelivery sends nothing new", async () => {
    const first = await rig.spawnNotifier();
    const { booking } = await rig.someBooking();
    await vi.waitFor(async () => expect(await sentCount()).toBe(1), WAIT); // the hold's email
    const sendAccepted = rig.rig.stub.holdNext();
    const eventId = await rig.emitEvent("confirmed", booking.id);

    const accepted = await sendAccepted.accepted; // Resend has the email; the notifier has no answer yet
    await rig.kill(first);
    sendAccepted.release();
    const [recorded] = await db.sql()`select count(*)::int as n from notifier_sent_emails where event_id = ${eventId}`;
    expect(recorded!.n).toBe(0);

    const second = await rig.spawnNotifier();
    await vi.waitFor(async () => {
      const [row] = await db.sql()`select provider_message_id from notifier_sent_emails where event_id = ${eventId}`;
      expect(row?.provider_message_id).toBe(accepted.id);
    }, WAIT);
    // Sent again with the same Idempotency-Key (more than once if a slow machine made a send time
    // out), which Resend answered with the first email.
    const keys = requestsFor(eventId).map((r) => r.headers["idempotency-key"]);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys)).toEqual(new Set([eventId]));
    expect(emailsFor(eventId)).toHaveLength(1);
    await second.stop();
  });

  it("in the middle of a burst, and is restarted: nothing lost, nothing doubled", async () => {
    const { booking } = await rig.someBooking();
    const streamBefore = await rig.streamMessages().catch(() => 0);
    const before = await sentCount();
    const stub = rig.rig.stub;
    stub.latencyMs = 25; // keeps a batch of sends in flight when the kill comes
    const first = await rig.spawnNotifier({ NOTIFIER_RELAY_BATCH_SIZE: "20", NOTIFIER_CONCURRENCY: "8" });

    // 300 events in one commit (the hold's own makes 301).
    const burst = createDatabase(db.url());
    await burst.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) await recordBookingEvents(tx, "reminder", [booking.id]);
    });
    const ids = (await db.sql()`select id from outbox_events where payload->'booking'->>'id' = ${booking.id}`).map((r) => r.id as string);
    expect(ids).toHaveLength(301);

    await vi.waitFor(() => expect(stub.emails.length).toBeGreaterThanOrEqual(before + 60), WAIT);
    await rig.kill(first);
    const sentAtKill = await sentCount();
    expect(sentAtKill - before).toBeLessThan(301);

    const second = await rig.spawnNotifier({ NOTIFIER_RELAY_BATCH_SIZE: "20", NOTIFIER_CONCURRENCY: "8" });
    await vi.waitFor(async () => expect(await sentCount()).toBe(before + 301), { timeout: 30_000, interval: 100 });
    await second.stop();
    stub.latencyMs = 0;

    for (const id of ids) expect(emailsFor(id), id).toHaveLength(1);
    const sent = await db.sql()`select event_id from notifier_sent_emails where booking_id = ${booking.id}`;
    expect(sent.map((r) => r.event_id).sort()).toEqual([...ids].sort());
    const [unpublished] = await db.sql()`select count(*)::int as n from outbox_events where published_at is null`;
    expect(unpublished!.n).toBe(0);
    expect((await rig.streamMessages()) - streamBefore).toBe(301);
    // Only sends that were in flight at the kill were made twice (and Resend kept one of each).
    const repeated = ids.filter((id) => requestsFor(id).length > 1);
    expect(repeated.length).toBeLessThanOrEqual(8);
  });
});
