import { beforeAll, describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, refusedCallers, db } = useCatalog();

const createAirport = (body: unknown, token = adminToken()) => call("POST", "/api/v1/airports", { body, token });

let city: { id: string };
beforeAll(async () => {
  city = (await call("POST", "/api/v1/cities", { body: { name: "Kochi", country: "IN" }, token: adminToken() })).body.data;
});

describe("happy", () => {
  it("an airport code is upper-cased, and the airport names its city", async () => {
    const created = await createAirport({ code: "cok", name: "Cochin International", cityId: city.id, timeZone: "Asia/Kolkata" });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      code: "COK",
      name: "Cochin International",
      cityId: city.id,
      city: "Kochi",
      country: "IN",
      timeZone: "Asia/Kolkata",
    });
  });
});

describe("errors", () => {
  it("an airport code is unique (409) and needs a known city (404) and a real time zone (400)", async () => {
    await createAirport({ code: "trv", name: "Thiruvananthapuram", cityId: city.id, timeZone: "Asia/Kolkata" });
    const again = await createAirport({ code: "TRV", name: "Again", cityId: city.id, timeZone: "Asia/Kolkata" });
    expect(again.status).toBe(409);

    const noCity = await createAirport({ code: "XYZ", name: "Nowhere", cityId: crypto.randomUUID(), timeZone: "Asia/Kolkata" });
    expect(noCity.status).toBe(404);

    const badZone = await createAirport({ code: "QQQ", name: "Nowhere", cityId: city.id, timeZone: "Mars/Olympus" });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details).toEqual([{ path: "timeZone", message: expect.stringMatching(/IANA/) }]);

    const badCode = await createAirport({ code: "CO1", name: "Bad", cityId: city.id, timeZone: "Asia/Kolkata" });
    expect(badCode.status).toBe(400);
  });
});

describe("security", () => {
  it("for admins only: refused callers get 401 or 403, and no airport is stored", async () => {
    await expectAdminOnly(
      (token) => call("POST", "/api/v1/airports", { body: { code: "IXE", name: "Mangaluru", cityId: city.id, timeZone: "Asia/Kolkata" }, token }),
      await refusedCallers(),
      () => db.sql()`select code from airports order by code`,
    );
  });
});
