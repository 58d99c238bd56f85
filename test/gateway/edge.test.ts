import { importJWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../scripts/lib/keys";
import { publicJwk } from "../../shared/auth/jwk";
import type { Fetcher } from "../../shared/worker";
import gateway from "../../workers/gateway/index";
import { clientFor } from "../support/client";

// The gateway's own duties, in front of stand-in workers that record what reaches them.
const reached: string[] = [];
const upstream = (name: string): Fetcher => ({
  async fetch(request) {
    reached.push(`${name} ${request.method} ${new URL(request.url).pathname}`);
    return Response.json({ data: { from: name } }, { status: request.method === "POST" ? 201 : 200 });
  },
});
let key: Awaited<ReturnType<typeof generateSigningKey>>;
const env: Record<string, unknown> = {};
beforeAll(async () => {
  key = await generateSigningKey();
  Object.assign(env, {
    JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(key)] }),
    // As deployed on Cloudflare: the edge sets CF-Connecting-IP, and the limits key on it.
    TRUST_CF_CONNECTING_IP: "true",
    RATE_LIMIT_API: "50",
    RATE_LIMIT_LOGIN: "3",
    RATE_LIMIT_SIGNUP: "2",
    AUTH: upstream("auth"),
    SEARCH: upstream("search"),
    BOOKING: upstream("booking"),
  });
});
const call = clientFor(gateway, () => env);
let clients = 0;
const asClient = () => ({ "cf-connecting-ip": `203.0.113.${++clients}` });

async function token(expiresAt: number | string = "5m") {
  return new SignJWT({ roles: ["customer"] })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
    .setIssuer("airline-auth")
    .setAudience("airline-api")
    .setSubject(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(await importJWK(key, "ES256"));
}

describe("edge token checks", () => {
  it("a booking request without a valid token never reaches the booking worker", async () => {
    reached.length = 0;
    const none = await call("GET", "/api/v1/bookings", { headers: asClient() });
    const forged = await call("GET", "/api/v1/bookings", { headers: asClient(), token: `${await token()}x` });
    const expired = await call("GET", "/api/v1/bookings", { headers: asClient(), token: await token(Math.floor(Date.now() / 1000) - 60) });
    expect([none.status, forged.status, expired.status]).toEqual([401, 401, 401]);
    expect(expired.body.error.code).toBe("TOKEN_EXPIRED");
    expect(reached).toEqual([]);

    const ok = await call("GET", "/api/v1/bookings", { headers: asClient(), token: await token() });
    expect(ok.status).toBe(200);
    expect(reached).toEqual(["booking GET /api/v1/bookings"]);
  });

  it("public reads pass without a token; catalog writes need one", async () => {
    expect((await call("GET", "/api/v1/flights?from=DEL", { headers: asClient() })).status).toBe(200);
    expect((await call("POST", "/api/v1/cities", { headers: asClient(), body: { name: "X", country: "IN" } })).status).toBe(401);
  });
});

describe("rate limits", () => {
  it("answer RateLimit-* headers, then 429 RATE_LIMITED with Retry-After past the login limit per client and email", async () => {
    const client = asClient();
    const login = (email: string) => call("POST", "/api/v1/auth/login", { headers: client, body: { email, password: "whatever1" } });
    const first = await login("a@example.com");
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    await login("a@example.com");
    await login("a@example.com");
    const refused = await login("A@example.com");
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login("b@example.com")).status).toBe(201);
  });

  it("limits signups per client", async () => {
    const client = asClient();
    const signup = () => call("POST", "/api/v1/auth/signup", { headers: client, body: { email: "x@example.com" } });
    expect([(await signup()).status, (await signup()).status, (await signup()).status]).toEqual([201, 201, 429]);
    const other = await call("POST", "/api/v1/auth/signup", { headers: asClient(), body: { email: "x@example.com" } });
    expect(other.status).toBe(201);
  });

  it("limits the whole API per client", async () => {
    const client = asClient();
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) statuses.push((await call("GET", "/api/v1/airports", { headers: client })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses[50]).toBe(429);
  });
});

describe("request hygiene", () => {
  it("refuses a body over 64 KiB with 413 PAYLOAD_TOO_LARGE", async () => {
    const res = await call("POST", "/api/v1/auth/signup", {
      headers: asClient(),
      body: { email: "big@example.com", password: "x".repeat(70 * 1024), name: "Big" },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers CORS preflights and sets secure headers", async () => {
    const preflight = await call("OPTIONS", "/api/v1/bookings", {
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const res = await call("GET", "/api/v1/airports", { headers: asClient() });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("GET /openapi.json", () => {
  it("describes the whole public API in OpenAPI 3.1, from the workers' own schemas", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const path of ["/api/v1/auth/login", "/api/v1/flights", "/api/v1/flights/{id}/seats", "/api/v1/bookings", "/api/v1/bookings/{id}/payments"]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
    expect(res.body.paths["/api/v1/bookings"].post.requestBody.content["application/json"].schema).toBeTruthy();
    expect(res.body.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
