import { describe, expect, it } from "vitest";
import { useFlightFixture } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, db, flight, takeSeats, flightInput, refusedCallers } = useFlightFixture();

describe("happy", () => {
  it("deletes a flight without bookings, and its seats go too", async () => {
    const empty = await flight(flightInput());
    expect((await call("DELETE", `/api/v1/flights/${empty.id}`, { token: adminToken() })).status).toBe(204);
    const [seats] = await db.sql()`select count(*)::int as n from seats where flight_id = ${empty.id}`;
    expect(seats?.n).toBe(0);
  });
});

describe("errors", () => {
  it("refuses a flight with bookings (409) and keeps it", async () => {
    const booked = await flight(flightInput());
    await takeSeats(booked.id, 1, null);
    const res = await call("DELETE", `/api/v1/flights/${booked.id}`, { token: adminToken() });
    expect(res.status).toBe(409);
    expect((await call("GET", `/api/v1/flights/${booked.id}`)).status).toBe(200);
  });
});

describe("security", () => {
  it("for admins only: refused callers get 401 or 403, and the flight and its seats stay", async () => {
    const f = await flight(flightInput());
    await expectAdminOnly(
      (token) => call("DELETE", `/api/v1/flights/${f.id}`, { token }),
      await refusedCallers(),
      () => db.sql()`select (select count(*)::int from flights where id = ${f.id}) as flights,
        (select count(*)::int from seats where flight_id = ${f.id}) as seats`,
    );
  });
});
