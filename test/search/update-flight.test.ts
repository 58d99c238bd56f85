import { describe, expect, it } from "vitest";
import { useFlightFixture } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, db, flight, planeId, flightInput, refusedCallers } = useFlightFixture();

describe("happy", () => {
  it("reschedules: local day, minute and duration follow", async () => {
    const f = await flight(flightInput());
    const res = await call("PATCH", `/api/v1/flights/${f.id}`, {
      body: { departureTime: "2030-03-01T20:00:00Z", arrivalTime: "2030-03-02T06:00:00Z", boardingGate: null },
      token: adminToken(),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ departureTime: "2030-03-02T01:30:00+05:30", durationMinutes: 600, boardingGate: null });
    const [row] = await db.sql()`select departure_local_date::text as d from flights where id = ${f.id}`;
    expect(row?.d).toBe("2030-03-02");
  });
});

describe("errors", () => {
  it("refuses unknown fields, an empty change and an arrival before departure", async () => {
    const f = await flight(flightInput());
    const patch = (body: unknown) => call("PATCH", `/api/v1/flights/${f.id}`, { body, token: adminToken() });
    expect((await patch({ airplaneId: planeId() })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    const backwards = await patch({ arrivalTime: "2030-03-01T01:00:00Z" });
    expect(backwards.body.error.details).toEqual([{ path: "arrivalTime", message: "must be after departureTime" }]);
  });
});

describe("security", () => {
  it("for admins only: refused callers get 401 or 403, and the flight is unchanged", async () => {
    const f = await flight(flightInput());
    await expectAdminOnly(
      (token) => call("PATCH", `/api/v1/flights/${f.id}`, { body: { boardingGate: "1A" }, token }),
      await refusedCallers(),
      () => db.sql()`select * from flights where id = ${f.id}`,
    );
  });
});
