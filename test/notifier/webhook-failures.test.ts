import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseNotifierConfig } from "../../notifier/config";
import { type RunningNotifier, startNotifier } from "../../notifier/index";
import { walkPages } from "../support/client";
import { type Behaviour, type Receiver, startReceiver } from "../support/webhooks";
import { useNotifierRig } from "./support";

// Webhooks that keep failing, on a compressed clock: retries from 100 ms doubling to 400 ms, given
// up after 2 s; an endpoint is disabled after 8 failures in a row over at least 1 s.
const rig = useNotifierRig();
const { db, newAdmin, bookingCall: call } = rig;
let notifier: RunningNotifier;
let admin: { accessToken: string; user: { email: string } };
const receivers: Receiver[] = [];
const WAIT = { timeout: 20_000, interval: 50 };

beforeAll(async () => {
  rig.bookingEnv.ENVIRONMENT = "development";
  notifier = await startNotifier(
    parseNotifierConfig(
      rig.notifierEnv({
        ENVIRONMENT: "development",
        WEBHOOK_TIMEOUT_MS: "1000",
        WEBHOOK_RETRY_BASE_MS: "100",
        WEBHOOK_RETRY_MAX_MS: "400",
        WEBHOOK_RETRY_FOR_MS: "2000",
        WEBHOOK_DISABLE_AFTER_FAILURES: "8",
        WEBHOOK_DISABLE_AFTER_MS: "1000",
        WEBHOOK_POLL_MS: "50",
      }),
    ),
  );
  admin = await newAdmin();
});
afterEach(async () => {
  await db.sql()`delete from webhook_endpoints`;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await notifier?.stop();
});

async function endpoint(behaviour?: Behaviour) {
  const receiver = await startReceiver(behaviour);
  receivers.push(receiver);
  const res = await call("POST", "/api/v1/webhooks", { token: admin.accessToken, body: { url: receiver.url } });
  expect(res.status).toBe(201);
  return { receiver, id: res.body.data.id as string };
}
const deliveriesOf = (endpointId: string) => walkPages(call, `/api/v1/webhooks/${endpointId}/deliveries`, 10, admin.accessToken);
const webhook = async (id: string) => (await call("GET", `/api/v1/webhooks/${id}`, { token: admin.accessToken })).body.data;

describe("giving up", () => {
  it("a delivery that keeps failing is retried with growing gaps and given up after WEBHOOK_RETRY_FOR_MS, bounded in time", async () => {
    const down = await endpoint(() => 503);
    await rig.someBooking();
    await vi.waitFor(async () => expect((await deliveriesOf(down.id))[0]?.state).toBe("failed"), WAIT);
    const [d] = await deliveriesOf(down.id);
    expect(d).toMatchObject({ lastStatus: 503, nextAttemptAt: null });
    expect(d.lastError).toMatch(/^HTTP 503: failing on purpose/);
    const times = down.receiver.requests.map((r) => r.at);
    expect(times.length).toBe(d.attempts);
    // 100, 200, 400, 400 … ms apart (±10 % and the time a round takes): never faster than the back-off.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(400, 100 * 2 ** i) * 0.9 - 5));
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(2_000);
    expect(d.attempts).toBeGreaterThanOrEqual(5);
    expect(d.attempts).toBeLessThanOrEqual(8);
    // Given up is final: nothing more arrives.
    const count = down.receiver.requests.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(down.receiver.requests.length).toBe(count);
    expect((await webhook(down.id)).enabled).toBe(true); // fewer than 8 failures: still enabled
  });

  it("an attempt whose notifier died (its lease ran out) is made again: at least once", async () => {
    const partner = await endpoint();
    const [event] = await db.sql()`insert into webhook_events (id, type, body) values (gen_random_uuid(), 'bookings.held', '{"id":"x"}') returning id`;
    await db.sql()`insert into webhook_deliveries (endpoint_id, event_id, state, attempts, leased_until)
      values (${partner.id}, ${event!.id}, 'sending', 1, now() - interval '1 second')`;
    await vi.waitFor(async () => expect((await deliveriesOf(partner.id))[0]).toMatchObject({ state: "delivered", attempts: 2 }), WAIT);
    expect(partner.receiver.delivered()).toHaveLength(1);
  });
});

describe("disabling", () => {
  it("a long run of failures disables the endpoint, gives up what waited, and emails its admin once; enabling brings it back", async () => {
    let up = false;
    const partner = await endpoint(() => (up ? 200 : 500));
    for (let i = 0; i < 3; i++) await rig.someBooking();
    await vi.waitFor(async () => expect((await webhook(partner.id)).enabled).toBe(false), WAIT);
    const disabled = await webhook(partner.id);
    expect(disabled.consecutiveFailures).toBeGreaterThanOrEqual(8);
    expect(disabled.disabledReason).toMatch(/^8\+ failed attempts in a row; the last: HTTP 500/);
    const log = await deliveriesOf(partner.id);
    expect(log.length).toBeGreaterThanOrEqual(3);
    for (const d of log) expect(d.state).toBe("failed");
    expect(log.some((d) => d.lastError.endsWith("the endpoint was disabled"))).toBe(true);

    const notices = () => rig.rig.stub.emails.filter((e) => e.subject === `Webhook endpoint disabled: ${partner.receiver.url}`);
    await vi.waitFor(() => expect(notices()).toHaveLength(1), WAIT);
    expect(notices()[0]).toMatchObject({ to: admin.user.email });
    expect(notices()[0]!.text).toContain("POST /api/v1/webhooks/{id}/enable");

    // Disabled: new events are not even queued for it, and redeliver says why not.
    const before = partner.receiver.requests.length;
    await rig.someBooking();
    await new Promise((r) => setTimeout(r, 500));
    expect(partner.receiver.requests.length).toBe(before);
    const refused = await call("POST", `/api/v1/webhooks/${partner.id}/deliveries/${log[0].id}/redeliver`, { token: admin.accessToken });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("INVALID_STATE");

    up = true;
    const enabled = await call("POST", `/api/v1/webhooks/${partner.id}/enable`, { token: admin.accessToken });
    expect(enabled.status).toBe(200);
    expect(enabled.body.data).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledAt: null });
    await rig.someBooking();
    await vi.waitFor(() => expect(partner.receiver.delivered()).toHaveLength(1), WAIT);
    const again = await call("POST", `/api/v1/webhooks/${partner.id}/deliveries/${log[0].id}/redeliver`, { token: admin.accessToken });
    expect(again.status).toBe(202);
    await vi.waitFor(() => expect(partner.receiver.delivered()).toHaveLength(2), WAIT);
    expect(notices()).toHaveLength(1);
  });
});
