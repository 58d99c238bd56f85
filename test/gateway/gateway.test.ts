import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicJwk } from "../../shared/auth/jwk";
import { httpService } from "../../shared/http/forward";
import type { ExecutionContext, Fetcher, WorkerModule } from "../../shared/worker";
import { generateSigningKey } from "../../scripts/lib/keys";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import { freePort } from "../../scripts/lib/processes";
import auth from "../../workers/auth/index";
import gateway from "../../workers/gateway/index";
import search from "../../workers/search/index";
import booking from "../../workers/booking/index";
import { clientFor, httpClient } from "../support/client";
import { useTestDatabase } from "../support/database";

const db = useTestDatabase();
let authServer: HostedWorker;
let searchServer: HostedWorker;
let bookingServer: HostedWorker;
let gatewayServer: HostedWorker;
let authEnv: Record<string, string>;
let searchEnv: Record<string, string>;
const nodeContext: ExecutionContext = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };

beforeAll(async () => {
  authEnv = { DATABASE_URL: db.url(), JWT_PRIVATE_JWK: JSON.stringify(await generateSigningKey()), BCRYPT_COST: "4" };
  authServer = await serveWorker(auth, authEnv);
  searchEnv = { DATABASE_URL: db.url(), JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(authEnv.JWT_PRIVATE_JWK!))] }) };
  searchServer = await serveWorker(search, searchEnv);
  bookingServer = await serveWorker(booking, searchEnv);
  gatewayServer = await serveWorker(gateway, {
    AUTH: httpService(authServer.url),
    SEARCH: httpService(searchServer.url),
    BOOKING: httpService(bookingServer.url),
  });
});

afterAll(async () => {
  await gatewayServer?.close();
  await searchServer?.close();
  await bookingServer?.close();
  await authServer?.close();
});

const call = httpClient(() => gatewayServer.url);

describe("the gateway on Node, in front of the auth worker", () => {
  it("routes signup and login to auth", async () => {
    const signup = await call("POST", "/api/v1/auth/signup", {
      body: { email: "via-gateway@example.com", password: "password123", name: "Via Gateway" },
    });
    expect(signup.status).toBe(201);
    const login = await call("POST", "/api/v1/auth/login", { body: { email: "via-gateway@example.com", password: "password123" } });
    expect(login.status).toBe(200);
    const me = await call("GET", "/api/v1/auth/me", { token: login.body.data.accessToken });
    expect(me.body.data.email).toBe("via-gateway@example.com");
  });

  it("passes the caller's request id through and returns it", async () => {
    const res = await call("POST", "/api/v1/auth/login", {
      body: { email: "nobody@example.com", password: "password123" },
      headers: { "x-request-id": "trace-me-42" },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBe("trace-me-42");
    // The auth worker put the same id in its error body: it received it from the gateway.
    expect(res.body.error.requestId).toBe("trace-me-42");
  });

  it("keeps JSON errors for unknown paths and checks bodies before forwarding", async () => {
    const unknown = await call("GET", "/api/v1/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
    const malformed = await call("POST", "/api/v1/auth/login", { body: "{oops" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("MALFORMED_JSON");
  });

  it("routes catalog and search paths to the search worker", async () => {
    const res = await call("GET", "/api/v1/flights?from=DEL");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], page: { next: null } });
    expect((await call("GET", "/api/v1/airports")).status).toBe(200);
  });

  it("GET /health reports the database and every worker", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", checks: { database: "ok", auth: "ok", search: "ok", booking: "ok" } });
  });
});

describe("the gateway when a dependency is down", () => {
  const upstreamsUp = () => ({
    AUTH: httpService(authServer.url),
    SEARCH: httpService(searchServer.url),
    BOOKING: httpService(bookingServer.url),
  });
  const deadAuth = async () => httpService(`http://127.0.0.1:${await freePort()}`);

  it("health is 503 naming auth", async () => {
    const env = { ...upstreamsUp(), AUTH: await deadAuth() };
    const res = await clientFor(gateway, () => env)("GET", "/health");
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ database: "ok", auth: "down", search: "ok", booking: "ok" });
    expect(res.body.error.code).toBe("DEPENDENCY_UNAVAILABLE");
    expect(res.body.error.message).toContain("auth");
  });

  it("health is 503 naming the database when the workers cannot reach it", async () => {
    const noDatabase = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", JWT_PUBLIC_JWKS: searchEnv.JWT_PUBLIC_JWKS };
    const inProcess = (worker: WorkerModule, env: Record<string, unknown>): Fetcher => ({ fetch: async (req) => worker.fetch(req, env, nodeContext) });
    const env = {
      AUTH: inProcess(auth, { ...authEnv, DATABASE_URL: noDatabase.DATABASE_URL }),
      SEARCH: inProcess(search, noDatabase),
      BOOKING: inProcess(booking, noDatabase),
    };
    const res = await clientFor(gateway, () => env)("GET", "/health");
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ database: "down", auth: "ok", search: "ok", booking: "ok" });
  });

  it("a request to a dead worker is 503 DEPENDENCY_UNAVAILABLE", async () => {
    const env = { AUTH: await deadAuth() };
    const res = await clientFor(gateway, () => env)("POST", "/api/v1/auth/login", {
      body: { email: "a@example.com", password: "password123" },
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("DEPENDENCY_UNAVAILABLE");
  });

  it("a worker that hangs is cut off by the upstream timeout", async () => {
    const hanging: Fetcher = { fetch: (req) => new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason))) };
    const env = { AUTH: hanging, UPSTREAM_TIMEOUT_MS: "200" };
    const started = Date.now();
    const res = await clientFor(gateway, () => env)("GET", "/api/v1/auth/.well-known/jwks.json");
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
