import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseNotifierConfig } from "../../notifier/config";
import { type RunningNotifier, startNotifier } from "../../notifier/index";
import { verifyWebhook } from "../../shared/webhooks";
import { walkPages } from "../support/client";
import { type Behaviour, type Receiver, startReceiver } from "../support/webhooks";
import { useNotifierRig } from "./support";

// Partner webhooks end to end: booking → outbox → JetStream → the webhooks' own consumer →
// deliveries in PostgreSQL → signed POSTs to local receivers that fail, hang and recover. The
// back-off is the default one (2 s, doubling); requests time out after 1.5 s, two at a time per endpoint.
const rig = useNotifierRig();
const { db, newAdmin, newUser, newFlight, hold, pay, bookingCall: call } = rig;
let notifier: RunningNotifier;
let admin: { accessToken: string };
const receivers: Receiver[] = [];
const WAIT = { timeout: 30_000, interval: 50 };

beforeAll(async () => {
  rig.bookingEnv.ENVIRONMENT = "development"; // receivers listen on 127.0.0.1
  notifier = await startNotifier(
    parseNotifierConfig(rig.notifierEnv({ ENVIRONMENT: "development", WEBHOOK_TIMEOUT_MS: "1500", WEBHOOK_ENDPOINT_CONCURRENCY: "2", WEBHOOK_POLL_MS: "100" })),
  );
  admin = await newAdmin();
});
afterEach(async () => {
  // Every endpoint gets every event of the file: each test removes its own.
  for (const { id } of await db.sql()`select id from webhook_endpoints`) {
    expect((await call("DELETE", `/api/v1/webhooks/${id}`, { token: admin.accessToken })).status).toBe(204);
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await notifier?.stop();
});

async function endpoint(behaviour?: Behaviour, eventTypes?: string[]) {
  const receiver = await startReceiver(behaviour);
  receivers.push(receiver);
  const res = await call("POST", "/api/v1/webhooks", { token: admin.accessToken, body: { url: receiver.url, ...(eventTypes ? { eventTypes } : {}) } });
  expect(res.status).toBe(201);
  return { receiver, id: res.body.data.id as string, secret: res.body.data.secret as string };
}

const eventIds = async (bookingId: string) =>
  (await db.sql()`select id, type from outbox_events where payload->'booking'->>'id' = ${bookingId} order by occurred_at, id`).map((r) => ({ id: r.id as string, type: r.type as string }));

const deliveriesOf = (endpointId: string) => walkPages(call, `/api/v1/webhooks/${endpointId}/deliveries`, 2, admin.accessToken);

async function expectSigned(receiver: Receiver, secret: string) {
  for (const r of receiver.requests) {
    const headers = { timestamp: r.headers["webhook-timestamp"] as string, signature: r.headers["webhook-signature"] as string };
    expect(await verifyWebhook(secret, headers, r.body)).toBe(true);
    expect(await verifyWebhook(secret, headers, `${r.body} `)).toBe(false); // a changed body fails
    expect(await verifyWebhook("whsec_other", headers, r.body)).toBe(false);
    expect(r.headers["webhook-id"]).toBe(JSON.parse(r.body).id);
    expect(r.headers["content-type"]).toBe("application/json");
  }
}

describe("delivery", () => {
  it("every booking event reaches each endpoint that wants it, once, signed; a filtered endpoint gets only its types", async () => {
    const all = await endpoint();
    const confirmedOnly = await endpoint(undefined, ["bookings.confirmed"]);
    const customer = await newUser();
    const flight = await newFlight(1, 2);
    const booking = (await hold(customer.accessToken, flight.id, [{ name: "Asha Rao" }])).body.data;
    expect((await pay(customer.accessToken, booking.id, booking.totalAmount.amount)).status).toBe(200);
    const events = await eventIds(booking.id);
    expect(events.map((e) => e.type)).toEqual(["bookings.held", "bookings.confirmed"]);

    await vi.waitFor(() => expect(all.receiver.delivered().map((b) => b.id).sort()).toEqual(events.map((e) => e.id).sort()), WAIT);
    await vi.waitFor(() => expect(confirmedOnly.receiver.delivered().map((b) => b.id)).toEqual([events[1]!.id]), WAIT);
    const confirmed = all.receiver.delivered().find((b) => b.type === "bookings.confirmed");
    expect(Object.keys(confirmed).sort()).toEqual(["createdAt", "data", "id", "type"]);
    expect(confirmed.data.booking).toMatchObject({ id: booking.id, status: "confirmed", flightId: flight.id });
    expect(Date.parse(confirmed.createdAt)).not.toBeNaN();
    await expectSigned(all.receiver, all.secret);
    await expectSigned(confirmedOnly.receiver, confirmedOnly.secret);

    await vi.waitFor(async () => expect((await deliveriesOf(all.id)).every((d) => d.state === "delivered")).toBe(true), WAIT);
    const log = await deliveriesOf(all.id);
    expect(log.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.id).sort());
    for (const d of log) expect(d).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null });
    // Held a moment more: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 300));
    expect(all.receiver.requests).toHaveLength(2);
  });

  it("an airline cancellation reaches partners per booking (bookings.flight_cancelled) and per flight (flights.changed)", async () => {
    const partner = await endpoint(undefined, ["bookings.flight_cancelled", "flights.changed"]);
    const customer = await newUser();
    const flight = await newFlight(2, 2);
    const bookings = [];
    for (let i = 0; i < 3; i++) bookings.push((await hold(customer.accessToken, flight.id, [{ name: `P${i}` }])).body.data.id);
    const res = await call("PATCH", `/api/v1/flights/${flight.id}`, { token: admin.accessToken, body: { status: "cancelled" } });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(partner.receiver.delivered()).toHaveLength(4), WAIT);
    const got = partner.receiver.delivered();
    expect(got.filter((b) => b.type === "bookings.flight_cancelled").map((b) => b.data.booking.id).sort()).toEqual(bookings.sort());
    const flightEvent = got.find((b) => b.type === "flights.changed");
    expect(flightEvent.data).toMatchObject({ flight: { id: flight.id, status: "cancelled" }, change: { kind: "cancelled", bookingsAffected: 3 } });
  });
});

describe("retries", () => {
  it("a receiver that fails twice gets the event within a minute, the retries spaced by the back-off", async () => {
    const flaky = await endpoint((n) => (n <= 2 ? 500 : 200));
    const { booking } = await rig.someBooking();
    const [held] = await eventIds(booking.id);
    await vi.waitFor(() => expect(flaky.receiver.delivered().map((b) => b.id)).toEqual([held!.id]), { timeout: 60_000, interval: 100 });
    const times = flaky.receiver.requests.map((r) => r.at);
    expect(flaky.receiver.requests.map((r) => r.answer)).toEqual([500, 500, 200]);
    // 2 s then 4 s (each ±10 %), and the whole in well under a minute.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_800);
    expect(times[1]! - times[0]!).toBeLessThan(3_500);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(3_600);
    expect(times[2]! - times[1]!).toBeLessThan(5_500);
    expect(times[2]! - times[0]!).toBeLessThan(60_000);
    expect(new Set(flaky.receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    await expectSigned(flaky.receiver, flaky.secret);
    await vi.waitFor(async () => expect((await deliveriesOf(flaky.id))[0]).toMatchObject({ state: "delivered", attempts: 3, lastStatus: 200, lastError: null }), WAIT);
  });

  it("a receiver that times out, then recovers, gets the event; the log shows the attempt in progress in between", async () => {
    const slow = await endpoint((n) => (n === 1 ? "hang" : 200));
    const { booking } = await rig.someBooking();
    const [held] = await eventIds(booking.id);
    await vi.waitFor(async () => expect((await deliveriesOf(slow.id))[0]).toMatchObject({ state: "pending", attempts: 1, lastStatus: null, lastError: "no answer within 1500 ms" }), WAIT);
    await vi.waitFor(() => expect(slow.receiver.delivered().map((b) => b.id)).toEqual([held!.id]), WAIT);
    expect(slow.receiver.requests).toHaveLength(2);
    // The outcome is written just after the answer.
    await vi.waitFor(async () => expect((await deliveriesOf(slow.id))[0]).toMatchObject({ state: "delivered", attempts: 2, lastStatus: 200 }), WAIT);
  });

  it("a receiver that never answers does not delay the others", async () => {
    const never = await endpoint(() => "hang");
    const fast = await endpoint();
    const customer = await newUser();
    const flight = await newFlight(5, 4);
    const started = Date.now();
    for (let i = 0; i < 12; i++) expect((await hold(customer.accessToken, flight.id, [{ name: `P${i}` }])).status).toBe(201);
    await vi.waitFor(() => expect(fast.receiver.delivered()).toHaveLength(12), WAIT);
    const took = Date.now() - started;
    // Had the hanging endpoint held everyone up, 12 events at 2 per 1.5 s timeout would take 9 s or more.
    expect(took).toBeLessThan(6_000);
    // The hanging endpoint holds its two slots and no more.
    expect(never.receiver.maxOpen).toBeGreaterThanOrEqual(1);
    expect(never.receiver.maxOpen).toBeLessThanOrEqual(2);
    expect(never.receiver.requests.length).toBeLessThanOrEqual(2 * Math.ceil(took / 1_500) + 2);
  });
});

describe("redeliver", () => {
  it("sends a delivered event again, same id and body, freshly signed", async () => {
    const partner = await endpoint();
    const { booking } = await rig.someBooking();
    await vi.waitFor(() => expect(partner.receiver.delivered()).toHaveLength(1), WAIT);
    await vi.waitFor(async () => expect((await deliveriesOf(partner.id))[0]?.state).toBe("delivered"), WAIT);
    const [d] = await deliveriesOf(partner.id);
    const res = await call("POST", `/api/v1/webhooks/${partner.id}/deliveries/${d.id}/redeliver`, { token: admin.accessToken });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ id: d.id, state: "pending", attempts: 0 });
    await vi.waitFor(() => expect(partner.receiver.delivered()).toHaveLength(2), WAIT);
    const [first, second] = partner.receiver.requests;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(JSON.parse(second!.body).data.booking.id).toBe(booking.id);
    await expectSigned(partner.receiver, partner.secret);
    await vi.waitFor(async () => expect((await deliveriesOf(partner.id))[0]).toMatchObject({ state: "delivered", attempts: 1 }), WAIT);
  });
});
