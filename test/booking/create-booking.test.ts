import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectSignInRequired } from "../support/security";

// Races of many holds at once: concurrency.test.ts. The bookings.held event's payload: events.test.ts.
const { newUser, newFlight, hold, db, bookingCall: call, adminToken, checkInvariants, expireHold, refusedCallers } = useBooking();

describe("happy", () => {
  it("holds the chosen seats and prices them on the server", async () => {
    const { accessToken } = await newUser();
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

  it("Idempotency-Key: the same key and body replay the first answer; another body is 409 IDEMPOTENCY_CONFLICT", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const body = [{ name: "A", seat: "1A" }];
    const first = await hold(accessToken, flight.id, body, { "idempotency-key": "hold-1" });
    const second = await hold(accessToken, flight.id, body, { "idempotency-key": "hold-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [count] = await db.sql()`select count(*)::int as n from booking_flights where flight_id = ${flight.id}`;
    expect(count?.n).toBe(1);

    const other = await hold(accessToken, flight.id, [{ name: "B", seat: "1B" }], { "idempotency-key": "hold-1" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("Idempotency-Key: a failed request stores nothing, so a retry with the same key runs again", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const blocker = await newUser();
    const blocking = (await hold(blocker.accessToken, flight.id, [{ name: "X", seat: "1A" }])).body.data;
    const refused = await hold(accessToken, flight.id, [{ name: "A", seat: "1A" }], { "idempotency-key": "retry-me" });
    expect(refused.status).toBe(409);
    await call("POST", `/api/v1/bookings/${blocking.id}/cancel`, { token: blocker.accessToken });
    const retried = await hold(accessToken, flight.id, [{ name: "A", seat: "1A" }], { "idempotency-key": "retry-me" });
    expect(retried.status).toBe(201);
  });
});

describe("errors", () => {
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
    const [count] = await db.sql()`select count(*)::int as n from booking_flights where flight_id = ${flight.id}`;
    expect(count?.n).toBe(0);
  });

  it("an unknown flight is 404; a cancelled one is 409", async () => {
    const { accessToken } = await newUser();
    expect((await hold(accessToken, crypto.randomUUID(), [{ name: "A" }])).status).toBe(404);
    const flight = await newFlight(1, 1);
    await db.sql()`update flights set status = 'cancelled' where id = ${flight.id}`;
    const cancelled = await hold(accessToken, flight.id, [{ name: "A" }]);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error.code).toBe("INVALID_STATE");
    expect(adminToken()).toBeTruthy();
  });

  it("refuses an unusable Idempotency-Key", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 1);
    const res = await hold(accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "x".repeat(300) });
    expect(res.status).toBe(400);
  });
});

describe("security", () => {
  it("no token is 401", async () => {
    const flight = await newFlight(1, 1);
    expect((await call("POST", "/api/v1/bookings", { body: { flightId: flight.id, passengers: [{ name: "A" }] } })).status).toBe(401);
  });

  it("an expired or forged token is 401 too, and no seat is held", async () => {
    const flight = await newFlight(1, 1);
    await expectSignInRequired(
      (token) => call("POST", "/api/v1/bookings", { token, body: { flightId: flight.id, passengers: [{ name: "A" }] } }),
      await refusedCallers(),
      () => db.sql()`select booking_id, held_until from seats where flight_id = ${flight.id}`,
    );
  });

  it("an Idempotency-Key is per user: another user's same key is their own", async () => {
    const a = await newUser();
    const b = await newUser();
    const flight = await newFlight(2, 2);
    const first = await hold(a.accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "shared" });
    const second = await hold(b.accessToken, flight.id, [{ name: "A" }], { "idempotency-key": "shared" });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.data.id).not.toBe(first.body.data.id);
  });
});
