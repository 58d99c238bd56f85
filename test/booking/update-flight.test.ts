import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../db/client";
import { changeFlight } from "../../workers/booking/domain/flight-changes";
import { runHousekeeping } from "../../workers/booking/index";
import { useBooking } from "../support/booking";
import { expectAdminOnly } from "../support/security";

// The airline's actor: PATCH /flights/{id} on a flight people have booked.
const { db, newUser, newAdmin, newFlight, hold, pay, bookingCall: call, bookingEnv, refusedCallers, checkInvariants } = useBooking();

const patch = (token: string, flightId: string, body: unknown) => call("PATCH", `/api/v1/flights/${flightId}`, { token, body });
const eventsOf = (changeId: string) =>
  db.sql()`select type, payload from outbox_events where type like 'bookings.%' and payload->'change'->>'id' = ${changeId} order by payload->'booking'->>'id'`;
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** A flight with a confirmed booking, a live hold, an expired hold and a cancelled booking on it. */
async function bookedFlight() {
  const flight = await newFlight(3, 2);
  const [paid, held, lapsed, gone] = await Promise.all([newUser(), newUser(), newUser(), newUser()]);
  const confirmed = (await hold(paid.accessToken, flight.id, [{ name: "Paid" }])).body.data;
  expect((await pay(paid.accessToken, confirmed.id, confirmed.totalAmount.amount)).status).toBe(200);
  const live = (await hold(held.accessToken, flight.id, [{ name: "Held" }])).body.data;
  const expired = (await hold(lapsed.accessToken, flight.id, [{ name: "Lapsed" }])).body.data;
  await db.sql()`update bookings set hold_expires_at = now() - interval '1 second' where id = ${expired.id}`;
  await db.sql()`update seats set held_until = now() - interval '1 second' where booking_id = ${expired.id}`;
  const cancelled = (await hold(gone.accessToken, flight.id, [{ name: "Gone" }])).body.data;
  expect((await call("POST", `/api/v1/bookings/${cancelled.id}/cancel`, { token: gone.accessToken })).status).toBe(200);
  return { flight, confirmed, live, owners: { paid, held }, liveIds: [confirmed.id, live.id].sort() };
}

describe("happy", () => {
  it("reschedules: local day, minute and duration follow", async () => {
    const admin = await newAdmin();
    const f = await newFlight();
    const res = await patch(admin.accessToken, f.id, { departureTime: "2030-03-01T20:00:00Z", arrivalTime: "2030-03-02T06:00:00Z", boardingGate: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ departureTime: "2030-03-02T01:30:00+05:30", durationMinutes: 600, boardingGate: null });
    const [row] = await db.sql()`select departure_local_date::text as d from flights where id = ${f.id}`;
    expect(row?.d).toBe("2030-03-02");
  });

  it("a small time change is recorded once and announced once to each live booking, with the old and new times", async () => {
    const admin = await newAdmin();
    const { flight, liveIds } = await bookedFlight();
    const res = await patch(admin.accessToken, flight.id, { departureTime: later(flight.departureTime, 30), arrivalTime: later(flight.arrivalTime, 30) });
    expect(res.status).toBe(200);
    const change = res.body.data.change;
    expect(change).toMatchObject({ kind: "schedule_changed", significant: false, bookingsAffected: 2 });
    expect(change.before.departureTime).toBe(new Date(flight.departureTime).toISOString());
    expect(change.after.departureTime).toBe(later(flight.departureTime, 30));
    const events = await eventsOf(change.id);
    expect(events.map((e) => e.type)).toEqual(["bookings.schedule_changed", "bookings.schedule_changed"]);
    expect(events.map((e) => e.payload.booking.id).sort()).toEqual(liveIds);
    expect(events[0]!.payload.booking.departureTime).not.toBe(events[0]!.payload.change.before.departureTime);
    const recorded = await call("GET", `/api/v1/flight-changes/${change.id}`, { token: admin.accessToken });
    expect(recorded.body.data).toMatchObject({ id: change.id, flightId: flight.id, state: "completed", bookingsAffected: 2, bookingsProcessed: 2, changedBy: admin.user.id });
    const [choices] = await db.sql()`select count(*)::int as n from booking_changes where change_id = ${change.id}`;
    expect(choices?.n).toBe(0);
    // And once for partners following the flight (webhooks): flights.changed.
    const [flightEvent] = await db.sql()`select payload from outbox_events where type = 'flights.changed' and payload->'change'->>'id' = ${change.id}`;
    expect(flightEvent?.payload).toMatchObject({ type: "flights.changed", flight: { id: flight.id }, change: { kind: "schedule_changed", bookingsAffected: 2 } });
  });

  it("a delay, a gate change and a price change: each announced as what it is; the price is not announced", async () => {
    const admin = await newAdmin();
    const { flight } = await bookedFlight();
    const delayed = (await patch(admin.accessToken, flight.id, { status: "delayed", departureTime: later(flight.departureTime, 45), arrivalTime: later(flight.arrivalTime, 45) })).body.data.change;
    expect(delayed.kind).toBe("delayed");
    const gate = (await patch(admin.accessToken, flight.id, { boardingGate: "B7" })).body.data.change;
    expect(gate).toMatchObject({ kind: "gate_changed", after: { boardingGate: "B7" } });
    const price = await patch(admin.accessToken, flight.id, { price: { amount: 1, currency: "INR" } });
    expect(price.status).toBe(200);
    expect(price.body.data.change).toBeNull();
    expect((await eventsOf(delayed.id)).map((e) => e.type)).toEqual(["bookings.delayed", "bookings.delayed"]);
    expect((await eventsOf(gate.id)).map((e) => e.type)).toEqual(["bookings.gate_changed", "bookings.gate_changed"]);
    const list = await call("GET", `/api/v1/flights/${flight.id}/changes`, { token: admin.accessToken });
    expect(list.body.data.map((c: { kind: string }) => c.kind)).toEqual(["gate_changed", "delayed"]);
  });

  it("a significant change lets each customer accept it, or cancel with a full refund", async () => {
    const admin = await newAdmin();
    const { flight, confirmed, live, owners } = await bookedFlight();
    const change = (await patch(admin.accessToken, flight.id, { departureTime: later(flight.departureTime, 240), arrivalTime: later(flight.arrivalTime, 240) })).body
      .data.change;
    expect(change).toMatchObject({ kind: "schedule_changed", significant: true });
    const seen = await call("GET", `/api/v1/bookings/${confirmed.id}`, { token: owners.paid.accessToken });
    expect(seen.body.data.changes).toEqual([expect.objectContaining({ id: change.id, status: "pending", availableActions: ["accept", "cancel"] })]);

    const accepted = await call("POST", `/api/v1/bookings/${live.id}/changes/${change.id}/accept`, { token: owners.held.accessToken });
    expect(accepted.body.data).toEqual({ bookingId: live.id, changeId: change.id, status: "accepted" });
    expect((await call("POST", `/api/v1/bookings/${live.id}/changes/${change.id}/accept`, { token: owners.held.accessToken })).status).toBe(200);
    expect((await call("POST", `/api/v1/bookings/${live.id}/changes/${change.id}/cancel`, { token: owners.held.accessToken })).status).toBe(409);

    const declined = await call("POST", `/api/v1/bookings/${confirmed.id}/changes/${change.id}/cancel`, { token: owners.paid.accessToken });
    expect(declined.body.data.status).toBe("cancelled");
    const [refund] = await db.sql()`select amount from refunds where booking_id = ${confirmed.id}`;
    expect(Number(refund?.amount)).toBe(confirmed.totalAmount.amount);
    const after = await call("GET", `/api/v1/bookings/${confirmed.id}`, { token: owners.paid.accessToken });
    expect(after.body.data).toMatchObject({ status: "cancelled", changes: [{ status: "cancelled", availableActions: [] }] });
    await checkInvariants(flight.id);
  });

  it("a cancellation answers at once with the change; every live booking is then cancelled, the paid one refunded once, the seats freed", async () => {
    const admin = await newAdmin();
    const { flight, confirmed, liveIds } = await bookedFlight();
    const res = await patch(admin.accessToken, flight.id, { status: "cancelled" });
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBe(`/api/v1/flight-changes/${res.body.data.change.id}`);
    expect(res.body.data).toMatchObject({ status: "cancelled", change: { kind: "cancelled", bookingsAffected: 2 } });
    const changeId = res.body.data.change.id;
    await vi.waitFor(async () => {
      const progress = (await call("GET", `/api/v1/flight-changes/${changeId}`, { token: admin.accessToken })).body.data;
      expect(progress).toMatchObject({ state: "completed", bookingsProcessed: 2 });
    });
    const rows = await db.sql()`select id, status from bookings where id = any(${liveIds}::uuid[]) order by id`;
    expect(rows.map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    const refunds = await db.sql()`select booking_id, amount from refunds where booking_id = any(${liveIds}::uuid[])`;
    expect(refunds).toEqual([{ booking_id: confirmed.id, amount: String(confirmed.totalAmount.amount) }]);
    const events = await eventsOf(changeId);
    expect(events.map((e) => e.type)).toEqual(["bookings.flight_cancelled", "bookings.flight_cancelled"]);
    expect(events.find((e) => e.payload.booking.id === confirmed.id)!.payload.refund).toEqual({ amount: confirmed.totalAmount.amount, currency: "INR" });
    expect(events.find((e) => e.payload.booking.id !== confirmed.id)!.payload.refund).toBeNull();
    const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flight.id} and booking_id is not null and (held_until is null or held_until > now())`;
    expect(taken?.n).toBe(0);
  });

  it("a cancellation whose cascade stopped half-way is finished by the Cron Trigger, in batches", async () => {
    const admin = await newAdmin();
    const flight = await newFlight(4, 4);
    const customers = await Promise.all(Array.from({ length: 7 }, () => newUser()));
    for (const c of customers) expect((await hold(c.accessToken, flight.id, [{ name: "P" }])).status).toBe(201);
    // Recorded, but no cascade started: as if the worker stopped right after answering.
    const principal = { userId: admin.user.id, roles: ["admin"], sessionId: undefined };
    const { change } = await changeFlight(createDatabase(db.url()), principal, flight.id, { status: "cancelled" }, 180);
    expect(change).toMatchObject({ kind: "cancelled", bookingsAffected: 7 });
    await runHousekeeping({ ...bookingEnv, FLIGHT_CANCEL_BATCH_SIZE: "3" });
    const [row] = await db.sql()`select bookings_processed, completed_at from flight_changes where id = ${change!.id}`;
    expect(row?.bookings_processed).toBe(7);
    expect(row?.completed_at).not.toBeNull();
    const [live] = await db.sql()`select count(*)::int as n from bookings b join booking_flights bf on bf.booking_id = b.id where bf.flight_id = ${flight.id} and b.status <> 'cancelled'`;
    expect(live?.n).toBe(0);
  });
});

describe("errors", () => {
  it("refuses unknown fields, an empty change and an arrival before departure", async () => {
    const admin = await newAdmin();
    const f = await newFlight();
    const send = (body: unknown) => patch(admin.accessToken, f.id, body);
    expect((await send({ airplaneId: f.airplaneId })).status).toBe(400);
    expect((await send({})).status).toBe(400);
    const backwards = await send({ arrivalTime: "2020-03-01T01:00:00Z" });
    expect(backwards.body.error.details).toEqual([{ path: "arrivalTime", message: "must be after departureTime" }]);
  });

  it("a cancelled flight takes no further change: 409", async () => {
    const admin = await newAdmin();
    const f = await newFlight();
    expect((await patch(admin.accessToken, f.id, { status: "cancelled" })).status).toBe(200);
    const again = await patch(admin.accessToken, f.id, { status: "scheduled" });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ reason: "FLIGHT_CANCELLED" });
  });
});

describe("security", () => {
  it("for admins only: refused callers get 401 or 403, and the flight is unchanged", async () => {
    const f = await newFlight();
    await expectAdminOnly(
      (token) => call("PATCH", `/api/v1/flights/${f.id}`, { body: { boardingGate: "1A" }, token }),
      await refusedCallers(),
      () => db.sql()`select * from flights where id = ${f.id}`,
    );
  });

  it("a change's choice is the booking owner's: anyone else gets 404", async () => {
    const admin = await newAdmin();
    const { flight, confirmed } = await bookedFlight();
    const change = (await patch(admin.accessToken, flight.id, { departureTime: later(flight.departureTime, 600), arrivalTime: later(flight.arrivalTime, 600) })).body
      .data.change;
    const stranger = await newUser();
    for (const token of [stranger.accessToken, admin.accessToken]) {
      const res = await call("POST", `/api/v1/bookings/${confirmed.id}/changes/${change.id}/cancel`, { token });
      expect(res.status).toBe(404);
    }
    const [row] = await db.sql()`select status from booking_changes where booking_id = ${confirmed.id}`;
    expect(row?.status).toBe("pending");
  });
});
