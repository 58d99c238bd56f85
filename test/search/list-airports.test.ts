import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

// Public, like every catalog read: there is nothing to refuse.
const { call, airport } = useCatalog();

describe("happy", () => {
  it("lists airports by code, page by page, with catalog caching", async () => {
    for (const code of ["AAA", "AAB", "AAC"]) await airport(code, "UTC");
    const first = await call("GET", "/api/v1/airports?limit=2");
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toMatch(/public, max-age=300/);
    expect(first.body.data.map((a: { code: string }) => a.code)).toEqual(["AAA", "AAB"]);
    const second = await call("GET", `/api/v1/airports?limit=2&cursor=${first.body.page.next}`);
    expect(second.body.data[0].code).toBe("AAC");
  });
});

describe("errors", () => {
  it("a page of more than 100 is 400", async () => {
    const bad = await call("GET", "/api/v1/airports?limit=500");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("query.limit");
  });
});
