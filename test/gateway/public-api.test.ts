import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PUBLIC_API_FILE, publicApiJson } from "../../scripts/lib/openapi";
import type { Fetcher } from "../../shared/worker";
import gateway from "../../workers/gateway/index";
import { upstreamRoutes } from "../../workers/gateway/routes";
import { clientFor } from "../support/client";

// The gateway routes by the public API document generated from the workers' route definitions:
// these tests keep the committed document true, and show the routing follows it.
const reached: string[] = [];
const upstream = (name: string): Fetcher => ({
  async fetch(request) {
    reached.push(`${name} ${request.method} ${new URL(request.url).pathname}`);
    return Response.json({ data: {} });
  },
});
const env = { RATE_LIMIT_API: "100000", AUTH: upstream("auth"), SEARCH: upstream("search"), BOOKING: upstream("booking") };
const call = clientFor(gateway, () => env);
const concrete = (path: string) => path.replace(/:[^/]+/g, crypto.randomUUID());

describe("the public API document", () => {
  it(`is up to date in ${PUBLIC_API_FILE} (npm run openapi writes it)`, () => {
    expect(readFileSync(PUBLIC_API_FILE, "utf8")).toBe(publicApiJson());
  });

  it("is what /openapi.json serves", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(publicApiJson()));
  });
});

describe("routing by the document", () => {
  it("sends every public operation to the worker that defines it", async () => {
    const open = upstreamRoutes.filter((r) => !r.signedIn && !r.strictLimit);
    expect(open.length).toBeGreaterThan(5);
    for (const route of open) {
      reached.length = 0;
      const path = concrete(route.path);
      const res = await call(route.method, path, route.method === "GET" ? {} : { body: {} });
      expect(res.status, `${route.method} ${route.path}`).toBe(200);
      expect(reached).toEqual([`${route.upstream} ${route.method} ${path}`]);
    }
  });

  it("checks a token at the edge for every operation whose definition needs one", async () => {
    const guarded = upstreamRoutes.filter((r) => r.signedIn);
    expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(["POST /api/v1/bookings", "GET /api/v1/auth/me", "POST /api/v1/flights", "PATCH /api/v1/flights/:id"]),
    );
    reached.length = 0;
    for (const route of guarded) {
      const res = await call(route.method, concrete(route.path), route.method === "GET" ? {} : { body: {} });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
    expect(reached).toEqual([]);
  });

  it("answers 404 itself for what no worker defines", async () => {
    reached.length = 0;
    for (const [method, path] of [
      ["GET", "/api/v1/nothing"],
      ["GET", "/api/v1/auth/users"],
      ["DELETE", "/api/v1/bookings/3f8a6a8e-4a4b-4c1e-9a55-0c7b1c2d3e4f"],
      ["GET", "/api/v1/flightsX"],
    ] as const) {
      const res = await call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    expect(reached).toEqual([]);
  });
});
