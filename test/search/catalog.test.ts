import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

const { call, adminToken, newUser, airport, airplane, flight } = useCatalog();

describe("catalog writes are for admins", () => {
  it("without a token: 401; as a customer: 403; nothing is stored", async () => {
    const customer = await newUser();
    const anonymous = await call("POST", "/api/v1/cities", { body: { name: "Pune", country: "IN" } });
    const asCustomer = await call("POST", "/api/v1/cities", { body: { name: "Pune", country: "IN" }, token: customer.accessToken });
    expect([anonymous.status, asCustomer.status]).toEqual([401, 403]);
    const list = await call("GET", "/api/v1/cities?limit=100");
    expect(list.body.data.some((c: { name: string }) => c.name === "Pune")).toBe(false);
  });
});

describe("cities and airports", () => {
  it("an airport code is upper-cased, unique (409) and needs a known city (404) and a real time zone (400)", async () => {
    const city = (await call("POST", "/api/v1/cities", { body: { name: "Kochi", country: "IN" }, token: adminToken() })).body.data;
    const created = await call("POST", "/api/v1/airports", {
      body: { code: "cok", name: "Cochin International", cityId: city.id, timeZone: "Asia/Kolkata" },
      token: adminToken(),
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      code: "COK",
      name: "Cochin International",
      cityId: city.id,
      city: "Kochi",
      country: "IN",
      timeZone: "Asia/Kolkata",
    });

    const again = await call("POST", "/api/v1/airports", {
      body: { code: "COK", name: "Again", cityId: city.id, timeZone: "Asia/Kolkata" },
      token: adminToken(),
    });
    expect(again.status).toBe(409);

    const noCity = await call("POST", "/api/v1/airports", {
      body: { code: "XYZ", name: "Nowhere", cityId: crypto.randomUUID(), timeZone: "Asia/Kolkata" },
      token: adminToken(),
    });
    expect(noCity.status).toBe(404);

    const badZone = await call("POST", "/api/v1/airports", {
      body: { code: "QQQ", name: "Nowhere", cityId: city.id, timeZone: "Mars/Olympus" },
      token: adminToken(),
    });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details).toEqual([{ path: "timeZone", message: expect.stringMatching(/IANA/) }]);

    const badCode = await call("POST", "/api/v1/airports", {
      body: { code: "CO1", name: "Bad", cityId: city.id, timeZone: "Asia/Kolkata" },
      token: adminToken(),
    });
    expect(badCode.status).toBe(400);
  });

  it("a duplicate city (in another case) is 409", async () => {
    await call("POST", "/api/v1/cities", { body: { name: "Goa", country: "IN" }, token: adminToken() });
    const dup = await call("POST", "/api/v1/cities", { body: { name: "GOA", country: "in" }, token: adminToken() });
    expect(dup.status).toBe(409);
  });

  it("lists airports by code, page by page, with catalog caching", async () => {
    for (const code of ["AAA", "AAB", "AAC"]) await airport(code, "UTC");
    const first = await call("GET", "/api/v1/airports?limit=2");
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toMatch(/public, max-age=300/);
    expect(first.body.data.map((a: { code: string }) => a.code)).toEqual(["AAA", "AAB"]);
    const second = await call("GET", `/api/v1/airports?limit=2&cursor=${first.body.page.next}`);
    expect(second.body.data[0].code).toBe("AAC");
    const bad = await call("GET", "/api/v1/airports?limit=500");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("query.limit");
  });
});

describe("airplanes and seats", () => {
  it("capacity follows from the cabins, and a flight gets one seat per place, rows continuous front to back", async () => {
    const plane = await airplane([
      { cabin: "economy", rows: 3, seatsPerRow: 6 },
      { cabin: "first", rows: 1, seatsPerRow: 2 },
      { cabin: "business", rows: 2, seatsPerRow: 4 },
    ]);
    expect(plane.capacity).toBe(3 * 6 + 2 + 2 * 4);
    expect(plane.cabins.map((c: { cabin: string }) => c.cabin)).toEqual(["first", "business", "economy"]);

    await airport("SGA", "UTC");
    await airport("SGB", "UTC");
    const f = await flight({
      airplaneId: plane.id,
      from: "SGA",
      to: "SGB",
      departureTime: "2030-01-01T10:00:00Z",
      arrivalTime: "2030-01-01T12:00:00Z",
    });
    expect(f.seatsAvailable).toBe(28);

    const map = (await call("GET", `/api/v1/flights/${f.id}/seats`)).body.data;
    expect(map.cabins.map((c: { cabin: string }) => c.cabin)).toEqual(["first", "business", "economy"]);
    const rowsOf = (i: number) => map.cabins[i].rows.map((r: { row: number }) => r.row);
    expect([rowsOf(0), rowsOf(1), rowsOf(2)]).toEqual([[1], [2, 3], [4, 5, 6]]);
    expect(map.cabins[0].rows[0].seats).toEqual([
      { seat: "1A", available: true },
      { seat: "1B", available: true },
    ]);
    expect(map.cabins[2].rows[0].seats.map((s: { seat: string }) => s.seat)).toEqual(["4A", "4B", "4C", "4D", "4E", "4F"]);
  });

  it("rejects a repeated cabin or an empty layout", async () => {
    const repeated = await call("POST", "/api/v1/airplanes", {
      body: { model: "X", cabins: [{ cabin: "economy", rows: 1, seatsPerRow: 2 }, { cabin: "economy", rows: 1, seatsPerRow: 2 }] },
      token: adminToken(),
    });
    const empty = await call("POST", "/api/v1/airplanes", { body: { model: "X", cabins: [] }, token: adminToken() });
    expect([repeated.status, empty.status]).toEqual([400, 400]);
  });
});
