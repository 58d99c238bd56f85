import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseNotifierConfig } from "../../notifier/config";
import { type RunningNotifier, startNotifier } from "../../notifier/index";
import { useNotifierRig } from "./support";

const rig = useNotifierRig();
const { db, emailsFor, requestsFor, emitEvent, someBooking } = rig;
let notifier: RunningNotifier;

beforeAll(async () => {
  notifier = await startNotifier(parseNotifierConfig(rig.notifierEnv()));
  await rig.airport("NTD", "Asia/Kolkata");
  await rig.airport("NTL", "Europe/London");
});
afterAll(async () => {
  await notifier?.stop();
});

const WAIT = { timeout: 15_000, interval: 50 };

const outboxId = async (bookingId: string, type: string) =>
  (await db.sql()`select id from outbox_events where payload->'booking'->>'id' = ${bookingId} and type = ${type}`)[0]!.id as string;

describe("from booking to email", () => {
  it("a confirmed booking gets exactly one email naming the flight, the route and the local departure time", async () => {
    const { accessToken, user } = await rig.newUser();
    const airplane = await rig.airplane([{ cabin: "economy", rows: 2, seatsPerRow: 2 }]);
    // 04:00 UTC is 09:30 in Kolkata; the flight lands at 13:00 in London (GMT in January).
    const flight = await rig.flight({
      flightNumber: "NT 101",
      airplaneId: airplane.id,
      from: "NTD",
      to: "NTL",
      departureTime: "2030-01-15T04:00:00Z",
      arrivalTime: "2030-01-15T13:00:00Z",
      price: { amount: 4500_00, currency: "INR" },
    });
    const booking = (await rig.hold(accessToken, flight.id, [{ name: "Asha Rao" }, { name: "Ravi <Rao>" }])).body.data;
    expect((await rig.pay(accessToken, booking.id, 9000_00)).status).toBe(200);
    const confirmedId = await outboxId(booking.id, "bookings.confirmed");
    const heldId = await outboxId(booking.id, "bookings.held");

    await vi.waitFor(() => expect(emailsFor(confirmedId)).toHaveLength(1), WAIT);
    const [email] = emailsFor(confirmedId);
    expect(email).toMatchObject({ to: user.email, from: "Test Air <bookings@test.example>" });
    expect(email!.subject).toBe("Booking confirmed: NT 101 NTD → NTL, Tue, 15 Jan 2030, 09:30 GMT+5:30");
    for (const body of [email!.text, email!.html]) {
      expect(body).toContain("NT 101");
      expect(body).toContain("Tue, 15 Jan 2030, 09:30 GMT+5:30");
      expect(body).toContain("Tue, 15 Jan 2030, 13:00 GMT");
      expect(body).toContain("₹9,000.00");
    }
    expect(email!.text).toContain("Ravi <Rao>");
    expect(email!.html).toContain("Ravi &lt;Rao&gt;");
    expect(email!.html).not.toContain("<Rao>");
    expect(requestsFor(confirmedId).map((r) => r.headers["idempotency-key"])).toEqual([confirmedId]);

    // The hold had its own email, with the deadline to pay by.
    await vi.waitFor(() => expect(emailsFor(heldId)).toHaveLength(1), WAIT);
    expect(emailsFor(heldId)[0]!.subject).toMatch(/^Seats held on NT 101 NTD → NTL: pay by /);

    // The notifier records a send once Resend has answered: a moment after the stub has the email.
    await vi.waitFor(async () => {
      const sent = await db.sql()`select event_id, event_type, recipient, provider, provider_message_id from notifier_sent_emails
        where booking_id = ${booking.id} order by event_type`;
      expect(sent).toEqual([
        { event_id: confirmedId, event_type: "bookings.confirmed", recipient: user.email, provider: "resend", provider_message_id: email!.id },
        { event_id: heldId, event_type: "bookings.held", recipient: user.email, provider: "resend", provider_message_id: emailsFor(heldId)[0]!.id },
      ]);
    }, WAIT);
    const [outbox] = await db.sql()`select count(*)::int as n from outbox_events where published_at is null`;
    expect(outbox!.n).toBe(0);
  });

  it("the same event published twice is one stream message and one email", async () => {
    const { booking } = await someBooking();
    const eventId = await emitEvent("reminder", booking.id);
    await vi.waitFor(() => expect(emailsFor(eventId)).toHaveLength(1), WAIT);
    const before = await rig.streamMessages();

    // As if the relay had crashed after the PubAck but before its commit: the row is unpublished again.
    await db.sql()`update outbox_events set published_at = null where id = ${eventId}`;
    await vi.waitFor(async () => {
      const [row] = await db.sql()`select published_at from outbox_events where id = ${eventId}`;
      expect(row!.published_at).not.toBeNull();
    }, WAIT);
    expect(notifier.metrics.publishDuplicates).toBeGreaterThanOrEqual(1);
    expect(await rig.streamMessages()).toBe(before);
    expect(emailsFor(eventId)).toHaveLength(1);
    expect(requestsFor(eventId)).toHaveLength(1);
  });

  it("a redelivered event whose email is already in the sent log is acknowledged without sending", async () => {
    const { booking } = await someBooking();
    const eventId = await emitEvent("cancelled", booking.id);
    await vi.waitFor(() => expect(emailsFor(eventId)).toHaveLength(1), WAIT);
    const [row] = await db.sql()`select payload from outbox_events where id = ${eventId}`;

    // The same message again (a crash between recording the email and the ack), outside the duplicate window's reach.
    const js = jetstream(await rig.nats());
    const hdrs = headers();
    hdrs.set("Nats-Msg-Id", `${eventId}-redelivery`);
    await js.publish("bookings.cancelled", JSON.stringify(row!.payload), { headers: hdrs });
    const already = notifier.metrics.alreadySent;
    await vi.waitFor(() => expect(notifier.metrics.alreadySent).toBe(already + 1), WAIT);
    expect(requestsFor(eventId)).toHaveLength(1);
  });
});

describe("when Resend fails", () => {
  it("429 and 500 are retried with a back-off, then the email is sent once", async () => {
    const { booking } = await someBooking();
    await vi.waitFor(async () => expect(await unsentCount()).toBe(0), WAIT);
    const retried = notifier.metrics.retried;
    rig.rig.stub.failNext(429);
    rig.rig.stub.failNext(500);
    const eventId = await emitEvent("reminder", booking.id);

    await vi.waitFor(() => expect(emailsFor(eventId)).toHaveLength(1), WAIT);
    expect(requestsFor(eventId).map((r) => r.status)).toEqual([429, 500, 200]);
    expect(notifier.metrics.retried - retried).toBe(2);
    await vi.waitFor(async () => {
      const [sent] = await db.sql()`select count(*)::int as n from notifier_sent_emails where event_id = ${eventId}`;
      expect(sent!.n).toBe(1);
    }, WAIT);
  });

  it("422 on every delivery ends in notifier_dead_letters with the last error, and no email", async () => {
    const { booking } = await someBooking();
    await vi.waitFor(async () => expect(await unsentCount()).toBe(0), WAIT);
    rig.rig.stub.failNext(422, 3); // NOTIFIER_MAX_DELIVERIES in these tests
    const eventId = await emitEvent("expired", booking.id);

    await vi.waitFor(async () => {
      const [dead] = await db.sql()`select deliveries, last_error, subject, payload->>'id' as id from notifier_dead_letters where event_id = ${eventId}`;
      expect(dead).toMatchObject({ deliveries: 3, subject: "bookings.expired", id: eventId });
      expect(dead!.last_error).toContain("422");
    }, WAIT);
    expect(requestsFor(eventId).map((r) => r.status)).toEqual([422, 422, 422]);
    expect(emailsFor(eventId)).toHaveLength(0);
    // Terminated: JetStream does not offer it again.
    await new Promise((r) => setTimeout(r, 2_500)); // past the 2 s ack wait
    expect(requestsFor(eventId)).toHaveLength(3);
  });
});

describe("messages that are not booking events", () => {
  it("invalid JSON and a body off the schema are terminated and recorded, never retried", async () => {
    const js = jetstream(await rig.nats());
    const requestsBefore = rig.rig.stub.requests.length;
    const poison = headers();
    poison.set("Nats-Msg-Id", "poison-1");
    await js.publish("bookings.held", "{not json", { headers: poison });
    await js.publish("bookings.confirmed", JSON.stringify({ id: crypto.randomUUID(), type: "bookings.confirmed" }));

    await vi.waitFor(async () => {
      const rows = await db.sql()`select subject, message_id, reason, body from notifier_rejected_messages order by stream_sequence`;
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ subject: "bookings.held", message_id: "poison-1", body: "{not json" });
      expect(rows[0]!.reason).toMatch(/^not JSON/);
      expect(rows[1]!.reason).toMatch(/^not a booking event: occurredAt/);
    }, WAIT);
    await new Promise((r) => setTimeout(r, 2_500)); // past the 2 s ack wait: nothing comes back
    const [again] = await db.sql()`select count(*)::int as n from notifier_rejected_messages`;
    expect(again!.n).toBe(2);
    const jsm = await jetstreamManager(await rig.nats());
    await vi.waitFor(async () => {
      const info = await jsm.consumers.info("BOOKINGS", "notifier");
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    }, WAIT);
    expect(rig.rig.stub.requests.length).toBe(requestsBefore);
    expect(notifier.metrics.rejected).toBe(2);
  });
});

describe("GET /health and /metrics", () => {
  it("report the database, NATS, the outbox and the counters", async () => {
    const health = await fetch(`${notifier.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", checks: { database: "ok", nats: "ok", relay: "ok" } });

    const metrics = await fetch(`${notifier.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^notifier_outbox_backlog \d+$/m);
    expect(text).toMatch(/^notifier_outbox_oldest_age_seconds [\d.]+$/m);
    expect(text).toMatch(/^notifier_events_published_total [1-9]\d*$/m);
    expect(text).toMatch(/^notifier_emails_sent_total\{type="bookings.confirmed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^notifier_deliveries_retried_total [1-9]\d*$/m);
    expect(text).toMatch(/^notifier_dead_lettered_total 1$/m);
    expect(text).toMatch(/^notifier_rejected_messages_total 2$/m);
  });
});

async function unsentCount(): Promise<number> {
  const [row] = await db.sql()`select count(*)::int as n from outbox_events o
    where not exists (select 1 from notifier_sent_emails s where s.event_id = o.id)`;
  return row!.n;
}
