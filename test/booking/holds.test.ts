import { describe, expect, it } from "vitest";
import { sql, TransactionRollbackError } from "drizzle-orm";
import { createDatabase } from "../../db/client";
import { recordBookingEvents } from "../../workers/booking/domain/events";
import { BookingEventSchema } from "../../shared/events";
import { useBooking } from "../support/booking";

const { newUser, newFlight, hold, db, bookingCall: call, adminToken, checkInvariants, expireHold } = useBooking();

describe("POST /api/v1/bookings", () => {
  it("holds the chosen seats, prices on the server, and records bookings.held", async () => {
    const { accessToken, user } = await newUser();
    const flight = await newFlight(5, 4, 4500_00);
    const res = await hold(accessToken, flight.id, [
      { name: "Asha Rao", seat: "2b" },
      { name: "Ravi Rao", seat: "2C" },
    ]);

    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({
      status: "held",
      flightId: flight.id,
      seats: ["2B", "2C"],
      passengers: [
        { name: "Asha Rao", seat: "2B" },
        { name: "Ravi Rao", seat: "2C" },
      ],
      totalAmount: { amount: 9000_00, currency: "INR" },
      paymentId: null,
    });
    const expiresIn = Date.parse(res.body.data.holdExpiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const seats = await db.sql()`select row || letter as seat from seats where booking_id = ${res.body.data.id} order by 1`;
    expect(seats.map((s) => s.seat)).toEqual(["2B", "2C"]);
    const [event] = await db.sql()`select type, payload from outbox_events where payload->'booking'->>'id' = ${res.body.data.id}`;
    expect(event?.type).toBe("bookings.held");
    expect(event?.payload).toMatchObject({
      type: "bookings.held",
      booking: { id: res.body.data.id, status: "held", seats: ["2B", "2C"], from: "BKA", to: "BKB" },
      user: { email: user.email, name: "Test User" },
    });
    expect(BookingEventSchema.safeParse(event?.payload).error).toBeUndefined();
    // The hold writes its event from values it already has; it must be the very event that
    // recordBookingEvents builds from the committed rows (as every other event type is).
    let rebuilt: Record<string, unknown> | undefined;
    await createDatabase(db.url())
      .transaction(async (tx) => {
        await recordBookingEvents(tx, "held", [res.body.data.id]);
        const [row] = await tx.execute<{ payload: Record<string, unknown> }>(
          sql`select payload from outbox_events where id <> ${event!.payload.id} and payload->'booking'->>'id' = ${res.body.data.id}`,
        );
        rebuilt = row?.payload;
        tx.rollback(); // leaves the outbox as it was
      })
      .catch((err: unknown) => {
        if (!(err instanceof TransactionRollbackError)) throw err;
      });
    const { id: _id, occurredAt: _at, ...stored } = event!.payload;
    expect(rebuilt).toMatchObject(stored);
    await checkInvariants(flight.id);
  });

  it("seats a group without choices side by side", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(3, 4);
    await hold(accessToken, flight.id, [{ name: "A", seat: "1B" }]);
    const res = await hold(accessToken, flight.id, [{ name: "P1" }, { name: "P2" }, { name: "P3" }]);
    expect(res.status).toBe(201);
    expect(res.body.data.seats).toEqual(["2A", "2B", "2C"]);
  });

  it("a group asking for two taken seats and one free seat gets nothing, and is told which are taken", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(3, 4);
    await hold(accessToken, flight.id, [{ name: "A", seat: "1A" }, { name: "B", seat: "1B" }]);
    const res = await hold(accessToken, flight.id, [
      { name: "X", seat: "1A" },
      { name: "Y", seat: "1B" },
      { name: "Z", seat: "1C" },
    ]);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "SEATS_UNAVAILABLE", details: { seats: ["1A", "1B"] } });
    const [free] = await db.sql()`select booking_id from seats where flight_id = ${flight.id} and row = 1 and letter = 'C'`;
    expect(free?.booking_id).toBeNull();
    await checkInvariants(flight.id);
  });

  it("an expired hold does not block its seats, even before cleanup", async () => {
    const first = await newUser();
    const second = await newUser();
    const flight = await newFlight(1, 2);
    const old = await hold(first.accessToken, flight.id, [{ name: "A", seat: "1A" }, { name: "B", seat: "1B" }]);
    expect((await hold(second.accessToken, flight.id, [{ name: "C" }])).status).toBe(409);
    await expireHold(old.body.data.id);
    const res = await hold(second.accessToken, flight.id, [{ name: "C", seat: "1A" }, { name: "D" }]);
    expect(res.status, res.text).toBe(201);
    const oldNow = await call("GET", `/api/v1/bookings/${old.body.data.id}`, { token: first.accessToken });
    expect(oldNow.body.data.status).toBe("expired");
    await checkInvariants(flight.id);
  });

  it("validates passengers and seats", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const bad = async (passengers: unknown, path: string) => {
      const res = await call("POST", "/api/v1/bookings", { token: accessToken, body: { flightId: flight.id, passengers } });
      expect(res.status, JSON.stringify(passengers)).toBe(400);
      expect(res.body.error.details[0].path).toBe(path);
    };
    await bad([], "passengers");
    await bad(Array.from({ length: 10 }, (_, i) => ({ name: `P${i}` })), "passengers");
    await bad([{ name: "A", seat: "1I" }], "passengers.0.seat");
    await bad([{ name: "A", seat: "9A" }], "passengers.0.seat");
    await bad([{ name: "A", seat: "1A" }, { name: "B", seat: "1a" }], "passengers.1.seat");
    await bad([{ name: "" }], "passengers.0.name");
    const [count] = await db.sql()`select count(*)::int as n from bookings where flight_id = ${flight.id}`;
    expect(count?.n).toBe(0);
  });

  it("an unknown flight is 404; a cancelled one is 409; no token is 401", async () => {
    const { accessToken } = await newUser();
    expect((await hold(accessToken, crypto.randomUUID(), [{ name: "A" }])).status).toBe(404);
    const flight = await newFlight(1, 1);
    await db.sql()`update flights set status = 'cancelled' where id = ${flight.id}`;
    const cancelled = await hold(accessToken, flight.id, [{ name: "A" }]);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error.code).toBe("INVALID_STATE");
    expect((await call("POST", "/api/v1/bookings", { body: { flightId: flight.id, passengers: [{ name: "A" }] } })).status).toBe(401);
    expect(adminToken()).toBeTruthy();
  });
});
