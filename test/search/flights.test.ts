import { beforeAll, describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

const { call, adminToken, newUser, airport, airplane, flight, takeSeats, db } = useCatalog();

let planeId: string;
beforeAll(async () => {
  await airport("DEL", "Asia/Kolkata");
  await airport("LHR", "Europe/London");
  planeId = (await airplane([{ cabin: "economy", rows: 5, seatsPerRow: 4 }])).id;
});

const create = (body: Record<string, unknown>, token = adminToken()) => call("POST", "/api/v1/flights", { body, token });
const valid = () => ({
  flightNumber: "ai 111",
  airplaneId: planeId,
  from: "DEL",
  to: "LHR",
  departureTime: "2030-03-01T02:00:00Z",
  arrivalTime: "2030-03-01T11:30:00Z",
  price: { amount: 5499000, currency: "INR" },
  boardingGate: "12B",
});

describe("POST /api/v1/flights", () => {
  it("schedules a flight: local times with offsets, duration, all seats available", async () => {
    const res = await create(valid());
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      id: expect.any(String),
      flightNumber: "AI 111",
      airplaneId: planeId,
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

  it("refuses arrival before departure and a route to itself, naming the field", async () => {
    const backwards = await create({ ...valid(), arrivalTime: "2030-03-01T01:00:00Z" });
    const loop = await create({ ...valid(), to: "DEL" });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual([{ path: "arrivalTime", message: "must be after departureTime" }]);
    expect(loop.body.error.details).toEqual([{ path: "to", message: "must differ from from" }]);
  });

  it("refuses times without an offset and fractional money", async () => {
    const naive = await create({ ...valid(), departureTime: "2030-03-01T02:00:00" });
    const cents = await create({ ...valid(), price: { amount: 10.5, currency: "INR" } });
    expect(naive.status).toBe(400);
    expect(cents.body.error.details[0].path).toBe("price.amount");
  });

  it("an unknown airplane or airport is 404, and no flight is stored", async () => {
    const [before] = await db.sql()`select count(*)::int as n from flights`;
    const plane = await create({ ...valid(), airplaneId: crypto.randomUUID() });
    const port = await create({ ...valid(), to: "ZZZ" });
    expect([plane.status, port.status]).toEqual([404, 404]);
    expect(port.body.error.message).toContain("ZZZ");
    const [after] = await db.sql()`select count(*)::int as n from flights`;
    expect(after?.n).toBe(before?.n);
  });

  it("is for admins only", async () => {
    const customer = await newUser();
    expect((await create(valid(), customer.accessToken)).status).toBe(403);
  });
});

describe("GET /api/v1/flights/:id", () => {
  it("counts live holds and sales, but not expired holds", async () => {
    const f = await flight({ ...valid(), airplaneId: planeId });
    await takeSeats(f.id, 3, null); // sold
    await takeSeats(f.id, 2, new Date(Date.now() + 60_000)); // held
    await takeSeats(f.id, 4, new Date(Date.now() - 1_000)); // hold expired, not yet cleaned up
    const res = await call("GET", `/api/v1/flights/${f.id}`);
    expect(res.body.data.seatsAvailable).toBe(20 - 3 - 2);
    const map = (await call("GET", `/api/v1/flights/${f.id}/seats`)).body.data;
    const free = map.cabins.flatMap((c: any) => c.rows.flatMap((r: any) => r.seats)).filter((s: any) => s.available);
    expect(free).toHaveLength(15);
    const all = map.cabins.flatMap((c: any) => c.rows.flatMap((r: any) => r.seats));
    expect(all.every((s: any) => typeof s.available === "boolean")).toBe(true);
  });

  it("404 for an unknown id, 400 for a malformed one", async () => {
    expect((await call("GET", `/api/v1/flights/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await call("GET", `/api/v1/flights/${crypto.randomUUID()}/seats`)).status).toBe(404);
    expect((await call("GET", "/api/v1/flights/12")).status).toBe(400);
  });
});

describe("PATCH and DELETE /api/v1/flights/:id", () => {
  it("reschedules: local day, minute and duration follow", async () => {
    const f = await flight(valid());
    const res = await call("PATCH", `/api/v1/flights/${f.id}`, {
      body: { departureTime: "2030-03-01T20:00:00Z", arrivalTime: "2030-03-02T06:00:00Z", boardingGate: null },
      token: adminToken(),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ departureTime: "2030-03-02T01:30:00+05:30", durationMinutes: 600, boardingGate: null });
    const [row] = await db.sql()`select departure_local_date::text as d from flights where id = ${f.id}`;
    expect(row?.d).toBe("2030-03-02");
  });

  it("refuses unknown fields, an empty change and an arrival before departure", async () => {
    const f = await flight(valid());
    const patch = (body: unknown) => call("PATCH", `/api/v1/flights/${f.id}`, { body, token: adminToken() });
    expect((await patch({ airplaneId: planeId })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    const backwards = await patch({ arrivalTime: "2030-03-01T01:00:00Z" });
    expect(backwards.body.error.details).toEqual([{ path: "arrivalTime", message: "must be after departureTime" }]);
  });

  it("deletes a flight without bookings (seats go too) and refuses one with bookings", async () => {
    const empty = await flight(valid());
    expect((await call("DELETE", `/api/v1/flights/${empty.id}`, { token: adminToken() })).status).toBe(204);
    const [seats] = await db.sql()`select count(*)::int as n from seats where flight_id = ${empty.id}`;
    expect(seats?.n).toBe(0);

    const booked = await flight(valid());
    await takeSeats(booked.id, 1, null);
    const res = await call("DELETE", `/api/v1/flights/${booked.id}`, { token: adminToken() });
    expect(res.status).toBe(409);
    expect((await call("GET", `/api/v1/flights/${booked.id}`)).status).toBe(200);
  });
});
