import { describe, expect, it } from "vitest";
import { runHousekeeping } from "../../workers/booking/index";
import { useBooking } from "../support/booking";

const { newUser, newAdmin, newFlight, hold, pay, db, bookingCall: call, bookingEnv, checkInvariants, expireHold } = useBooking();

const cancel = (token: string, id: string) => call("POST", `/api/v1/bookings/${id}/cancel`, { token });

describe("cancellation", () => {
  it("cancelling a hold frees its seats at once and records bookings.cancelled", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
    const res = await cancel(accessToken, booking.id);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: booking.id, status: "cancelled" });
    const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flight.id} and booking_id is not null`;
    expect(taken?.n).toBe(0);
    const [event] = await db.sql()`select payload->'booking'->>'status' as status from outbox_events
      where type = 'bookings.cancelled' and payload->'booking'->>'id' = ${booking.id}`;
    expect(event?.status).toBe("cancelled");
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    await checkInvariants(flight.id);
  });

  it("cancelling a paid booking records a refund of the payment", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1, 777_00);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await pay(accessToken, booking.id, 777_00);
    expect((await cancel(accessToken, booking.id)).status).toBe(200);
    const [refund] = await db.sql()`select amount::int, currency from refunds where booking_id = ${booking.id}`;
    expect(refund).toEqual({ amount: 777_00, currency: "INR" });
  });

  it("an expired hold cannot be cancelled (409)", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await expireHold(booking.id);
    const res = await cancel(accessToken, booking.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("INVALID_STATE");
  });
});

describe("ownership", () => {
  it("another user's booking is 404 to read, pay and cancel; an admin may read and cancel it", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const admin = await newAdmin();
    const flight = await newFlight(1, 2);
    const booking = (await hold(owner.accessToken, flight.id, [{ name: "A" }])).body.data;

    const read = await call("GET", `/api/v1/bookings/${booking.id}`, { token: stranger.accessToken });
    const paid = await pay(stranger.accessToken, booking.id, booking.totalAmount.amount);
    const cancelled = await cancel(stranger.accessToken, booking.id);
    expect([read.status, paid.status, cancelled.status]).toEqual([404, 404, 404]);
    expect(read.body.error.code).toBe("NOT_FOUND");

    expect((await call("GET", `/api/v1/bookings/${booking.id}`, { token: admin.accessToken })).status).toBe(200);
    expect((await cancel(admin.accessToken, booking.id)).status).toBe(200);
  });

  it("GET /api/v1/bookings lists only the caller's, newest first, page by page", async () => {
    const me = await newUser();
    const other = await newUser();
    const flight = await newFlight(3, 4);
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await hold(me.accessToken, flight.id, [{ name: `M${i}` }])).body.data.id);
    await hold(other.accessToken, flight.id, [{ name: "O" }]);

    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: any = await call("GET", `/api/v1/bookings?limit=2${next ? `&cursor=${next}` : ""}`, { token: me.accessToken });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((b: { id: string }) => b.id));
      next = page.body.page.next;
    } while (next);
    expect(seen).toEqual([...mine].reverse());
  });
});

describe("the Cron Trigger's housekeeping", () => {
  it("expires stale holds in batches, frees their seats and records bookings.expired once", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const stale = (await hold(accessToken, flight.id, [{ name: "A" }, { name: "B" }])).body.data;
    const live = (await hold(accessToken, flight.id, [{ name: "C" }])).body.data;
    await expireHold(stale.id);

    const first = await runHousekeeping({ ...bookingEnv, EXPIRY_BATCH_SIZE: "1" });
    expect(first.expired).toBeGreaterThanOrEqual(1);
    const [row] = await db.sql()`select status from bookings where id = ${stale.id}`;
    expect(row?.status).toBe("expired");
    const [stillLive] = await db.sql()`select status from bookings where id = ${live.id}`;
    expect(stillLive?.status).toBe("held");
    const [seats] = await db.sql()`select count(*)::int as n from seats where booking_id = ${stale.id}`;
    expect(seats?.n).toBe(0);

    await runHousekeeping(bookingEnv);
    const events = await db.sql()`select count(*)::int as n from outbox_events
      where type = 'bookings.expired' and payload->'booking'->>'id' = ${stale.id}`;
    expect(events[0]?.n).toBe(1);
    await checkInvariants(flight.id);
  });

  it("sends one reminder per confirmed booking departing within REMINDER_HOURS", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 2);
    const soon = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    await pay(accessToken, soon.id, soon.totalAmount.amount);
    const unpaid = (await hold(accessToken, flight.id, [{ name: "B" }])).body.data;
    await db.sql()`update flights set departure_time = now() + interval '3 hours', arrival_time = now() + interval '5 hours'
      where id = ${flight.id}`;

    await runHousekeeping(bookingEnv);
    await runHousekeeping(bookingEnv);
    const reminders = await db.sql()`select payload->'booking'->>'id' as id from outbox_events where type = 'bookings.reminder'
      and payload->'booking'->>'flightId' = ${flight.id}`;
    expect(reminders.map((r) => r.id)).toEqual([soon.id]);
    expect(unpaid.id).not.toBe(soon.id);
  });
});
