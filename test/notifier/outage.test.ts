import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseNotifierConfig } from "../../notifier/config";
import { type RunningNotifier, startNotifier } from "../../notifier/index";
import { useNotifierRig } from "./support";

const rig = useNotifierRig();
const { db } = rig;
let notifier: RunningNotifier;

beforeAll(async () => {
  notifier = await startNotifier(parseNotifierConfig(rig.notifierEnv()));
});
afterAll(async () => {
  await notifier?.stop();
});

describe("NATS is down", () => {
  it("bookings still work, events wait in the outbox, and after NATS is back every one is delivered once", async () => {
    const { accessToken } = await rig.newUser();
    const flight = await rig.newFlight(25, 4);
    // Everything before the outage is out of the way, so the counts below are this test's.
    await vi.waitFor(() => expect(notifier.metrics.published).toBe(0), { timeout: 5_000 });
    const health = await fetch(`${notifier.url}/health`);
    expect(health.status).toBe(200);

    await rig.rig.nats.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await rig.hold(accessToken, flight.id, [{ name: `Passenger ${i}` }])).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);

    const [waiting] = await db.sql()`select count(*)::int as n from outbox_events where published_at is null`;
    expect(waiting!.n).toBe(100);
    const down = await fetch(`${notifier.url}/health`);
    expect(down.status).toBe(503);
    expect((await down.json()).checks).toEqual({ database: "ok", nats: "down", relay: "ok" });
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(/^notifier_outbox_backlog 100$/m);
    expect(metrics).toMatch(/^notifier_outbox_oldest_age_seconds [\d.]+$/m);

    await rig.rig.nats.start();
    const ids = (await db.sql()`select id from outbox_events`).map((r) => r.id as string);
    await vi.waitFor(
      async () => {
        const [sent] = await db.sql()`select count(*)::int as n from notifier_sent_emails`;
        expect(sent!.n).toBe(100);
      },
      { timeout: 30_000, interval: 100 },
    );
    const [left] = await db.sql()`select count(*)::int as n from outbox_events where published_at is null`;
    expect(left!.n).toBe(0);
    expect(await rig.streamMessages()).toBe(100);
    const keys = rig.rig.stub.emails.map((e) => e.idempotencyKey).sort();
    expect(keys).toEqual([...ids].sort());
    expect(notifier.metrics.relayFailures).toBeGreaterThan(0);
  });
});
