import { describe, expect, it } from "vitest";
import { THREE_CABINS, useCatalog } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, airplane, refusedCallers, db } = useCatalog();

describe("happy", () => {
  it("capacity follows from the cabins, listed front to back", async () => {
    const plane = await airplane(THREE_CABINS);
    expect(plane.capacity).toBe(3 * 6 + 2 + 2 * 4);
    expect(plane.cabins.map((c: { cabin: string }) => c.cabin)).toEqual(["first", "business", "economy"]);
  });
});

describe("errors", () => {
  it("rejects a repeated cabin or an empty layout", async () => {
    const repeated = await call("POST", "/api/v1/airplanes", {
      body: { model: "X", cabins: [{ cabin: "economy", rows: 1, seatsPerRow: 2 }, { cabin: "economy", rows: 1, seatsPerRow: 2 }] },
      token: adminToken(),
    });
    const empty = await call("POST", "/api/v1/airplanes", { body: { model: "X", cabins: [] }, token: adminToken() });
    expect([repeated.status, empty.status]).toEqual([400, 400]);
  });
});

describe("security", () => {
  it("for admins only: refused callers get 401 or 403, and no airplane is stored", async () => {
    await expectAdminOnly(
      (token) => call("POST", "/api/v1/airplanes", { body: { model: "Y", cabins: [{ cabin: "economy", rows: 1, seatsPerRow: 2 }] }, token }),
      await refusedCallers(),
      () => db.sql()`select count(*)::int as n from airplanes`,
    );
  });
});
