import { describe, expect, it } from "vitest";
import { THREE_CABINS, useFlightFixture } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, newUser, db, planeId, flightInput, refusedCallers, airplane } = useFlightFixture();

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
      cabin: "economy",
      price: { amount: 5499000, currency: "INR" },
      seatsAvailable: 20,
      prices: { economy: { amount: 5499000, currency: "INR" } },
      cabins: [{ cabin: "economy", price: { amount: 5499000, currency: "INR" }, seatsAvailable: 20, capacity: 20 }],
      capacity: 20,
      boardingGate: "12B",
      status: "scheduled",
    });
    const [row] = await db.sql()`select departure_local_date::text as d, departure_local_minute as m from flights where id = ${res.body.data.id}`;
    expect(row).toEqual({ d: "2030-03-01", m: 7 * 60 + 30 });
  });
});

describe("fares by cabin", () => {
  it("sells each cabin given in prices at its fare; search shows the cabin asked for", async () => {
    const plane = await airplane(THREE_CABINS);
    const prices = { economy: { amount: 500000, currency: "INR" }, business: { amount: 1600000, currency: "INR" } };
    const res = await create({ ...flightInput(), price: undefined, airplaneId: plane.id, prices, departureTime: "2030-03-02T02:00:00Z", arrivalTime: "2030-03-02T11:30:00Z" });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.prices).toEqual(prices);
    expect(res.body.data.cabins).toEqual([
      { cabin: "business", price: prices.business, seatsAvailable: 8, capacity: 8 },
      { cabin: "economy", price: prices.economy, seatsAvailable: 18, capacity: 18 },
    ]);
    // The first-class seats exist but are not on sale.
    expect(res.body.data.seatsAvailable).toBe(26);
    const search = (cabin?: string) => call("GET", `/api/v1/flights?from=DEL&to=LHR&date=2030-03-02${cabin ? `&cabin=${cabin}` : ""}`);
    const economy = (await search()).body.data.find((f: { id: string }) => f.id === res.body.data.id);
    const business = (await search("business")).body.data.find((f: { id: string }) => f.id === res.body.data.id);
    expect([economy.cabin, economy.price.amount, economy.seatsAvailable]).toEqual(["economy", 500000, 18]);
    expect([business.cabin, business.price.amount, business.seatsAvailable]).toEqual(["business", 1600000, 8]);
    expect((await search("first")).body.data.map((f: { id: string }) => f.id)).not.toContain(res.body.data.id);
  });

  it("refuses both price and prices, fares in two currencies, and a cabin the airplane lacks", async () => {
    const both = await create({ ...flightInput(), prices: { economy: { amount: 1, currency: "INR" } } });
    expect(both.body.error.details).toEqual([{ path: "price", message: "give prices or price, not both" }]);
    const mixed = await create({ ...flightInput(), price: undefined, prices: { economy: { amount: 1, currency: "INR" }, business: { amount: 1, currency: "USD" } } });
    expect(mixed.body.error.details).toEqual([{ path: "prices", message: "must all be in one currency" }]);
    const none = await create({ ...flightInput(), price: undefined });
    expect(none.body.error.details).toEqual([{ path: "prices", message: "must name a fare for at least one cabin" }]);
    const lacking = await create({ ...flightInput(), price: undefined, prices: { first: { amount: 1, currency: "INR" } } });
    expect(lacking.status).toBe(400);
    expect(lacking.body.error.details).toEqual([{ path: "prices.first", message: "the airplane has no first cabin" }]);
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
