import { describe, expect, it } from "vitest";
import { useFlightFixture } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, newUser, db, planeId, flightInput, refusedCallers } = useFlightFixture();

const create = (body: Record<string, unknown>, token = adminToken()) => call("POST", "/api/v1/flights", { body, token });
const flightCount = () => db.sql()`select count(*)::int as n from flights`;

describe("happy", () => {
  it("schedules a flight: local times with offsets, duration, all seats available", async () => {
    const res = await create(flightInput());
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      id: expect.any(String),
      flightNumber: "AI 111",
      airplaneId: planeId(),
      from: "DEL",
      to: "LHR",
      departureTime: "2030-03-01T07:30:00+05:30",
      arrivalTime: "2030-03-01T11:30:00+00:00",
      durationMinutes: 570,
      price: { amount: 5499000, currency: "INR" },
      seatsAvailable: 20,
      capacity: 20,
      boardingGate: "12B",
      status: "scheduled",
    });
    const [row] = await db.sql()`select departure_local_date::text as d, departure_local_minute as m from flights where id = ${res.body.data.id}`;
    expect(row).toEqual({ d: "2030-03-01", m: 7 * 60 + 30 });
  });
});

describe("errors", () => {
  it("refuses arrival before departure and a route to itself, naming the field", async () => {
    const backwards = await create({ ...flightInput(), arrivalTime: "2030-03-01T01:00:00Z" });
    const loop = await create({ ...flightInput(), to: "DEL" });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual([{ path: "arrivalTime", message: "must be after departureTime" }]);
    expect(loop.body.error.details).toEqual([{ path: "to", message: "must differ from from" }]);
  });

  it("refuses times without an offset and fractional money", async () => {
    const naive = await create({ ...flightInput(), departureTime: "2030-03-01T02:00:00" });
    const cents = await create({ ...flightInput(), price: { amount: 10.5, currency: "INR" } });
    expect(naive.status).toBe(400);
    expect(cents.body.error.details[0].path).toBe("price.amount");
  });

  it("an unknown airplane or airport is 404, and no flight is stored", async () => {
    const [before] = await flightCount();
    const plane = await create({ ...flightInput(), airplaneId: crypto.randomUUID() });
    const port = await create({ ...flightInput(), to: "ZZZ" });
    expect([plane.status, port.status]).toEqual([404, 404]);
    expect(port.body.error.message).toContain("ZZZ");
    const [after] = await flightCount();
    expect(after?.n).toBe(before?.n);
  });
});

describe("security", () => {
  it("is for admins only", async () => {
    const customer = await newUser();
    expect((await create(flightInput(), customer.accessToken)).status).toBe(403);
  });

  it("without a token, or with an expired or forged one, is 401, and no flight is stored", async () => {
    await expectAdminOnly((token) => call("POST", "/api/v1/flights", { body: flightInput(), token }), await refusedCallers(), flightCount);
  });
});
