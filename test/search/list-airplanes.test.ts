import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";
import { walkPages } from "../support/client";

// Public, like every catalog read: there is nothing to refuse.
const { call, airplane } = useCatalog();

describe("happy", () => {
  it("lists every airplane once with its cabins, page by page", async () => {
    const made = [await airplane(undefined, "A320"), await airplane(undefined, "A321"), await airplane(undefined, "B737")];
    const listed = await walkPages(call, "/api/v1/airplanes", 2);
    expect(listed.map((a) => a.id).sort()).toEqual(made.map((a) => a.id).sort());
    expect(listed.find((a) => a.id === made[0].id)).toEqual(made[0]);
  });
});

describe("errors", () => {
  it("a page size of 0 is 400", async () => {
    const res = await call("GET", "/api/v1/airplanes?limit=0");
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("query.limit");
  });
});
