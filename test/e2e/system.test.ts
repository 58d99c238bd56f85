import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../scripts/lib/keys";
import { publicJwk } from "../../shared/auth/jwk";
import { freePort } from "../../scripts/lib/processes";
import { startWranglerDev } from "../../scripts/lib/wrangler";
import type { RunningNotifier } from "../../notifier/index";
import { type NatsServer, startNatsServer } from "../support/nats";
import { emailAbout as emailOf, type ResendStub, startResendStub } from "../support/resend-stub";
import { httpClient } from "../support/client";
import { useTestDatabase } from "../support/database";
import { startTestNotifier } from "../support/notifier";

// The whole system, for real: every worker under `wrangler dev` (workerd) behind the gateway's
// service bindings, bcryptjs hashing inside workerd, postgres.js over cloudflare:sockets, the
// notifier on Node with its own nats-server, and Resend's SDK talking to a local stub of its API.
const db = useTestDatabase();
let workDir: string;
let gatewayUrl: string;
let nats: NatsServer;
let resend: ResendStub;
let notifier: RunningNotifier;
let bookingUrl: string;
const children: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "airline-e2e-"));
  const common = { dataDir: workDir, registryPath: path.join(workDir, "registry") };
  const key = JSON.stringify(await generateSigningKey());
  const authWorker = await startWranglerDev({
    ...common,
    name: "auth",
    port: await freePort(),
    vars: { DATABASE_URL: db.url(), JWT_PRIVATE_JWK: key, BCRYPT_COST: "4" },
  });
  children.push(authWorker);
  const searchWorker = await startWranglerDev({
    ...common,
    name: "search",
    port: await freePort(),
    vars: { DATABASE_URL: db.url(), JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(key))] }) },
  });
  children.push(searchWorker);
  const bookingWorker = await startWranglerDev({
    ...common,
    name: "booking",
    port: await freePort(),
    testScheduled: true,
    vars: { DATABASE_URL: db.url(), JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(key))] }) },
  });
  children.push(bookingWorker);
  bookingUrl = bookingWorker.url;
  const gatewayWorker = await startWranglerDev({
    ...common,
    name: "gateway",
    port: await freePort(),
    vars: { RATE_LIMIT_LOGIN: "5" },
  });
  children.push(gatewayWorker);
  gatewayUrl = gatewayWorker.url;

  nats = await startNatsServer();
  resend = await startResendStub();
  notifier = await startTestNotifier({ databaseUrl: db.url(), nats, resend, mailDir: path.join(workDir, "mail") });
}, 180_000);

afterAll(async () => {
  await notifier?.stop();
  await nats?.destroy();
  await resend?.close();
  await Promise.all(children.map((c) => c.stop()));
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const call = httpClient(() => gatewayUrl);

const emailAbout = (bookingId: string, type: string) => emailOf(db.sql(), resend, bookingId, type);

describe("gateway + auth under wrangler dev", () => {
  it("signs up, logs in and reads /me through http://127.0.0.1:<port>", async () => {
    const signup = await call("POST", "/api/v1/auth/signup", {
      body: { email: "Edge.User@example.com", password: "edge password", name: "Edge User" },
    });
    expect(signup.status).toBe(201);
    expect(signup.body.data).toMatchObject({ email: "edge.user@example.com", roles: ["customer"] });

    const login = await call("POST", "/api/v1/auth/login", { body: { email: "edge.user@example.com", password: "edge password" } });
    expect(login.status).toBe(200);

    const me = await call("GET", "/api/v1/auth/me", { token: login.body.data.accessToken });
    expect(me.status, me.text).toBe(200);
    expect(me.body.data.id).toBe(signup.body.data.id);

    // The hash written by bcryptjs in workerd has the standard form @node-rs/bcrypt verifies.
    const [row] = await db.sql()`select password_hash from users where id = ${signup.body.data.id}`;
    expect(row?.password_hash).toMatch(/^\$2[aby]\$04\$.{53}$/);
  });

  it("propagates request ids and reports health", async () => {
    const health = await call("GET", "/health", { headers: { "x-request-id": "e2e-health-1" } });
    expect(health.status).toBe(200);
    expect(health.body.checks).toEqual({ database: "ok", auth: "ok", search: "ok", booking: "ok" });
    expect(health.headers.get("x-request-id")).toBe("e2e-health-1");
  });

  it("an admin builds a flight and a customer finds it, all in workerd", async () => {
    await call("POST", "/api/v1/auth/signup", { body: { email: "ops@example.com", password: "ops password", name: "Ops" } });
    await db.sql()`insert into user_roles (user_id, role) select id, 'admin' from users where email = 'ops@example.com'`;
    const token = (await call("POST", "/api/v1/auth/login", { body: { email: "ops@example.com", password: "ops password" } })).body.data
      .accessToken;
    const post = async (path: string, body: unknown) => {
      const res = await call("POST", path, { body, token });
      expect(res.status, res.text).toBe(201);
      return res.body.data;
    };
    const city = await post("/api/v1/cities", { name: "Edge City", country: "IN" });
    await post("/api/v1/airports", { code: "EDA", name: "Edge A", cityId: city.id, timeZone: "Asia/Kolkata" });
    await post("/api/v1/airports", { code: "EDB", name: "Edge B", cityId: city.id, timeZone: "Asia/Kolkata" });
    const plane = await post("/api/v1/airplanes", { model: "Edge 1", cabins: [{ cabin: "economy", rows: 3, seatsPerRow: 4 }] });
    const flight = await post("/api/v1/flights", {
      flightNumber: "ED 1",
      airplaneId: plane.id,
      from: "EDA",
      to: "EDB",
      departureTime: "2030-01-01T20:00:00Z",
      arrivalTime: "2030-01-01T22:00:00Z",
      price: { amount: 450000, currency: "INR" },
    });
    expect(flight.departureTime).toBe("2030-01-02T01:30:00+05:30");

    const found = await call("GET", "/api/v1/flights?from=EDA&to=EDB&date=2030-01-02&passengers=2");
    expect(found.body.data.map((f: { id: string }) => f.id)).toEqual([flight.id]);
    expect(found.body.data[0].seatsAvailable).toBe(12);
    // The same search again is answered from the search worker's Cache API store.
    const repeated = await call("GET", "/api/v1/flights?from=EDA&to=EDB&date=2030-01-02&passengers=2");
    expect([found.headers.get("x-cache"), repeated.headers.get("x-cache")]).toEqual(["miss", "hit"]);
    expect(repeated.text).toBe(found.text);
    const trips = await call("GET", "/api/v1/itineraries?from=EDA&to=EDB&date=2030-01-02");
    expect(trips.body.data).toHaveLength(1);

    // Hold, pay and cancel through the gateway, with bcryptjs-made tokens checked in workerd.
    const held = await call("POST", "/api/v1/bookings", {
      token,
      body: { flightId: flight.id, passengers: [{ name: "Ops", seat: "1A" }, { name: "Guest" }] },
      headers: { "idempotency-key": "e2e-hold" },
    });
    expect(held.status, held.text).toBe(201);
    expect(held.body.data.seats).toEqual(["1A", "1B"]);
    const paid = await call("POST", `/api/v1/bookings/${held.body.data.id}/payments`, {
      token,
      body: { amount: { amount: 900000, currency: "INR" } },
    });
    expect(paid.status, paid.text).toBe(200);
    const confirmation = await emailAbout(held.body.data.id, "bookings.confirmed");
    expect(confirmation).toMatchObject({ to: "ops@example.com" });
    expect(confirmation.text).toContain("ED 1");
    expect(confirmation.text).toContain("EDA");

    const cancelled = await call("POST", `/api/v1/bookings/${held.body.data.id}/cancel`, { token });
    expect(cancelled.body.data.status).toBe("cancelled");
    const cancellation = await emailAbout(held.body.data.id, "bookings.cancelled");
    expect(cancellation.subject).toMatch(/cancel/i);

    // The Cron Trigger's handler runs inside workerd too.
    const cron = await fetch(`${bookingUrl}/__scheduled?cron=*+*+*+*+*`);
    expect(cron.status).toBe(200);
  });

  it("serves /openapi.json and the /docs page with its bundled assets", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.body.paths["/api/v1/bookings"]).toBeTruthy();
    const script = await fetch(`${gatewayUrl}/docs/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it("refuses a 70 KiB body with 413 and the sixth login a minute for one email with 429, however CF-Connecting-IP rotates", async () => {
    const big = await call("POST", "/api/v1/auth/signup", { body: { email: "big@example.com", password: "x".repeat(70 * 1024), name: "B" } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");

    const logins = [];
    for (let i = 0; i < 6; i++) {
      // Under wrangler dev a client's own CF-Connecting-IP passes through: the gateway must not key on it.
      const spoofed = { "cf-connecting-ip": `198.51.100.${i + 1}` };
      logins.push(await call("POST", "/api/v1/auth/login", { headers: spoofed, body: { email: "limited@example.com", password: "whatever1" } }));
    }
    expect(logins.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(logins[5]!.body.error.code).toBe("RATE_LIMITED");
    expect(Number(logins[5]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(logins[0]!.headers.get("ratelimit-limit")).toBe("5");
  });

  it("keeps the error envelope at the edge", async () => {
    const res = await call("POST", "/api/v1/auth/login", { body: { email: "nobody@example.com", password: "whatever1" } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
  });
});
