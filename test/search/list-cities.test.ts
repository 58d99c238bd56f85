import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";
import { walkPages } from "../support/client";

// Public, like every catalog read: there is nothing to refuse.
const { call, airport } = useCatalog();

describe("happy", () => {
  it("lists every city once, page by page, in a stable order, with catalog caching", async () => {
    for (const code of ["CTA", "CTB", "CTC"]) await airport(code, "UTC");
    const cities = await walkPages(call, "/api/v1/cities", 2);
    expect(cities.map((c) => c.name).sort()).toEqual(["City CTA 1", "City CTB 2", "City CTC 3"]);
    expect(cities.map((c) => c.id)).toEqual(cities.map((c) => c.id).sort());
    expect((await call("GET", "/api/v1/cities")).headers.get("cache-control")).toMatch(/public, max-age=300/);
  });
});

describe("errors", () => {
  it("a cursor it did not issue is 400", async () => {
    const res = await call("GET", "/api/v1/cities?cursor=nonsense");
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("query.cursor");
  });
});
