import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";
import { expectAdminOnly } from "../support/security";

const { call, adminToken, newUser, refusedCallers, db } = useCatalog();

const createCity = (body: unknown, token = adminToken()) => call("POST", "/api/v1/cities", { body, token });

describe("happy", () => {
  it("an admin adds a city", async () => {
    const res = await createCity({ name: "Mysuru", country: "IN" });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: expect.any(String), name: "Mysuru", country: "IN" });
  });
});

describe("errors", () => {
  it("a duplicate city (in another case) is 409", async () => {
    await createCity({ name: "Goa", country: "IN" });
    const dup = await createCity({ name: "GOA", country: "in" });
    expect(dup.status).toBe(409);
  });
});

describe("security", () => {
  it("without a token: 401; as a customer: 403; nothing is stored", async () => {
    const customer = await newUser();
    const anonymous = await call("POST", "/api/v1/cities", { body: { name: "Pune", country: "IN" } });
    const asCustomer = await call("POST", "/api/v1/cities", { body: { name: "Pune", country: "IN" }, token: customer.accessToken });
    expect([anonymous.status, asCustomer.status]).toEqual([401, 403]);
    const list = await call("GET", "/api/v1/cities?limit=100");
    expect(list.body.data.some((c: { name: string }) => c.name === "Pune")).toBe(false);
  });

  it("an expired or forged admin token is 401, and nothing is stored", async () => {
    await expectAdminOnly(
      (token) => call("POST", "/api/v1/cities", { body: { name: "Nashik", country: "IN" }, token }),
      await refusedCallers(),
      () => db.sql()`select count(*)::int as n from cities`,
    );
  });
});
