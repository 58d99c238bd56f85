import { describe, expect, it, vi } from "vitest";
import { useNotifierRig } from "./support";

// The airline's changes reach every booked customer as exactly one email per booking and change,
// however often the notifier is killed on the way.
const rig = useNotifierRig();
const { db, newUser, newAdmin, newFlight, hold, pay, bookingCall: call } = rig;
const WAIT = { timeout: 30_000, interval: 100 };

const emailsOf = async (changeId: string) => {
  const ids = (await db.sql()`select id from outbox_events where type like 'bookings.%' and payload->'change'->>'id' = ${changeId}`).map((r) => r.id as string);
  return { ids, emails: rig.rig.stub.emails.filter((e) => ids.includes(e.idempotencyKey ?? "")) };
};

describe("an airline change", () => {
  it("a significant reschedule: one email per booking with the old and new local times, across a notifier crash", async () => {
    const admin = await newAdmin();
    const customer = await newUser();
    const flight = await newFlight(10, 4);
    for (let i = 0; i < 30; i++) expect((await hold(customer.accessToken, flight.id, [{ name: `P${i}` }])).status).toBe(201);
    rig.rig.stub.latencyMs = 20;
    const first = await rig.spawnNotifier({ NOTIFIER_CONCURRENCY: "4" });
    const departure = new Date(Date.parse(flight.departureTime) + 5 * 3_600_000);
    const res = await call("PATCH", `/api/v1/flights/${flight.id}`, {
      token: admin.accessToken,
      body: { departureTime: departure.toISOString(), arrivalTime: new Date(departure.getTime() + 2 * 3_600_000).toISOString() },
    });
    const change = res.body.data.change;
    expect(change).toMatchObject({ kind: "schedule_changed", significant: true, bookingsAffected: 30 });
    await vi.waitFor(async () => expect((await emailsOf(change.id)).emails.length).toBeGreaterThanOrEqual(5), WAIT);
    await rig.kill(first);

    const second = await rig.spawnNotifier();
    await vi.waitFor(async () => expect((await emailsOf(change.id)).emails).toHaveLength(30), WAIT);
    const { ids, emails } = await emailsOf(change.id);
    expect(ids).toHaveLength(30);
    expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(30);
    const email = emails[0]!;
    expect(email.subject).toMatch(/^Your flight's time changed: TS \d+ BKA → BKB, now /);
    expect(email.text).toMatch(/Departure from BKA: was .+, now .+ \(BKA local time\)\./);
    expect(email.text).toContain("accept the new time or cancel your booking with a full refund");
    // Held a moment more: nothing further is sent.
    await new Promise((r) => setTimeout(r, 500));
    expect((await emailsOf(change.id)).emails).toHaveLength(30);
    rig.rig.stub.latencyMs = 0;
    await second.stop();
  });

  it("a cancellation: 'refund issued' for the paid booking, 'nothing was charged' for the hold", async () => {
    const admin = await newAdmin();
    const buyer = await newUser();
    const flight = await newFlight(1, 2);
    const paid = (await hold(buyer.accessToken, flight.id, [{ name: "Paid" }])).body.data;
    expect((await pay(buyer.accessToken, paid.id, paid.totalAmount.amount)).status).toBe(200);
    const held = (await hold(buyer.accessToken, flight.id, [{ name: "Held" }])).body.data;
    const notifier = await rig.spawnNotifier();
    const change = (await call("PATCH", `/api/v1/flights/${flight.id}`, { token: admin.accessToken, body: { status: "cancelled" } })).body.data.change;
    await vi.waitFor(async () => expect((await emailsOf(change.id)).emails).toHaveLength(2), WAIT);
    const { emails } = await emailsOf(change.id);
    const byBooking = (id: string) => emails.find((e) => e.text.includes(id))!;
    expect(byBooking(paid.id).subject).toMatch(/^Your flight is cancelled/);
    expect(byBooking(paid.id).text).toContain("Your flight is cancelled — refund issued");
    expect(byBooking(paid.id).text).toMatch(/We have refunded .*100\.00 to the way you paid\./);
    expect(byBooking(held.id).text).toContain("nothing was charged");
    await notifier.stop();
  });
});
