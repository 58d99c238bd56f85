import { describe, expect, it } from "vitest";
import { runHousekeeping } from "../../workers/booking/index";
import { useBooking } from "../support/booking";

const { newUser, newFlight, hold, pay, db, bookingEnv, checkInvariants, expireHold } = useBooking();

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
