import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import type { Fetcher } from "../../shared/worker";
import { GatewayConfigSchema } from "../../workers/gateway/config";
import gateway from "../../workers/gateway/index";
import { clientFor, httpClient } from "../support/client";

// The attacker at the edge rotates the headers that name a client; the rate limits must not care.
const answering: Fetcher = { fetch: async (request) => Response.json({ data: {} }, { status: request.method === "POST" ? 201 : 200 }) };
const upstreams = { AUTH: answering, SEARCH: answering, BOOKING: answering };
const spoofed = (i: number) => ({ "cf-connecting-ip": `198.51.100.${i % 250}`, "x-forwarded-for": `192.0.2.${i % 250}` });
const wrongLogin = (email: string) => ({ body: { email, password: "not the password" } });

describe("on Node, limits key on the socket's address", () => {
  let server: HostedWorker;
  beforeAll(async () => {
    server = await serveWorker(gateway, { ...upstreams, RATE_LIMIT_LOGIN: "5", RATE_LIMIT_LOGIN_CLIENT: "8", RATE_LIMIT_SIGNUP: "3" });
  });
  afterAll(() => server?.close());
  const call = httpClient(() => server.url);

  it("rotating CF-Connecting-IP and X-Forwarded-For does not buy more logins for one email", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await call("POST", "/api/v1/auth/login", { headers: spoofed(i), ...wrongLogin("victim@example.com") })).status);
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  });

  it("nor more signups", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call("POST", "/api/v1/auth/signup", { headers: spoofed(i), body: {} })).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
  });
});

describe("per-client login limit", () => {
  it("one client trying a new email each time is stopped at RATE_LIMIT_LOGIN_CLIENT", async () => {
    const env = { ...upstreams, TRUST_CF_CONNECTING_IP: "true", RATE_LIMIT_LOGIN: "5", RATE_LIMIT_LOGIN_CLIENT: "8" };
    const call = clientFor(gateway, () => env);
    const client = { "cf-connecting-ip": "203.0.113.77" };
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await call("POST", "/api/v1/auth/login", { headers: client, ...wrongLogin(`guess${i}@example.com`) })).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(8);
    expect(statuses.slice(8).every((s) => s === 429)).toBe(true);
    // Another client is not held back by the first one's guesses.
    const other = await call("POST", "/api/v1/auth/login", { headers: { "cf-connecting-ip": "203.0.113.78" }, ...wrongLogin("guess0@example.com") });
    expect(other.status).toBe(201);
  });
});

describe("which headers are believed", () => {
  const limited = (extra: Record<string, string>) => {
    const env = { ...upstreams, RATE_LIMIT_SIGNUP: "1", ...extra };
    const call = clientFor(gateway, () => env);
    return (headers: Record<string, string>) => call("POST", "/api/v1/auth/signup", { headers, body: {} }).then((r) => r.status);
  };

  it("CF-Connecting-IP only where Cloudflare's edge sets it (TRUST_CF_CONNECTING_IP)", async () => {
    const deployed = limited({ TRUST_CF_CONNECTING_IP: "true" });
    expect([await deployed({ "cf-connecting-ip": "203.0.113.1" }), await deployed({ "cf-connecting-ip": "203.0.113.2" })]).toEqual([201, 201]);
    expect(await deployed({ "cf-connecting-ip": "203.0.113.1" })).toBe(429);
    // Without it (wrangler dev, where a client's own header passes through) every client shares one key.
    const local = limited({});
    expect([await local({ "cf-connecting-ip": "203.0.113.1" }), await local({ "cf-connecting-ip": "203.0.113.2" })]).toEqual([201, 429]);
  });

  it("X-Forwarded-For only from a trusted proxy, read from the right", async () => {
    let server: HostedWorker | undefined;
    try {
      server = await serveWorker(gateway, { ...upstreams, RATE_LIMIT_SIGNUP: "1", TRUSTED_PROXIES: "127.0.0.0/8, ::1" });
      const call = httpClient(() => server!.url);
      const signup = (xff: string) => call("POST", "/api/v1/auth/signup", { headers: { "x-forwarded-for": xff }, body: {} }).then((r) => r.status);
      expect(await signup("192.0.2.10")).toBe(201);
      expect(await signup("192.0.2.11")).toBe(201);
      expect(await signup("192.0.2.10")).toBe(429);
      // A client prepending addresses of its own changes nothing: the proxy appended the real one.
      expect(await signup("203.0.113.9, 192.0.2.10")).toBe(429);
      // Trusted hops on the right are skipped.
      expect(await signup("192.0.2.11, 127.0.0.5")).toBe(429);
    } finally {
      await server?.close();
    }
  });

  it("TRUSTED_PROXIES must hold addresses or ranges; the limits accept load-test sizes", () => {
    expect(() => GatewayConfigSchema.parse({ TRUSTED_PROXIES: "10.0.0.0/8, not-an-ip" })).toThrow(/not-an-ip/);
    const config = GatewayConfigSchema.parse({ TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::/32", RATE_LIMIT_LOGIN: "1000000", RATE_LIMIT_SIGNUP: "1000000" });
    expect(config.TRUSTED_PROXIES).toHaveLength(2);
    expect(config.RATE_LIMIT_LOGIN).toBe(1_000_000);
  });
});
