import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNotifier } from "../../notifier/index";
import { startDenoHost } from "../../scripts/lib/deno-host";
import { generateSigningKey } from "../../scripts/lib/keys";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import { startPgPooler } from "../../scripts/lib/pg-pooler";
import { freePort } from "../../scripts/lib/processes";
import { startWranglerDevTogether } from "../../scripts/lib/wrangler";
import { publicJwk } from "../../shared/auth/jwk";
import { httpService } from "../../shared/http/forward";
import auth from "../../workers/auth/index";
import booking from "../../workers/booking/index";
import gateway from "../../workers/gateway/index";
import search from "../../workers/search/index";
import { httpClient } from "../support/client";
import { useTestDatabase } from "../support/database";
import { startTestNotifier } from "../support/notifier";
import { type NatsServer, startNatsServer } from "../support/nats";
import { emailAbout as emailOf, type ResendStub, startResendStub } from "../support/resend-stub";

// One black-box API suite, three runtimes: the same walk through the gateway over HTTP against the
// workers on Node (as `npm run start:node` serves them), under one `wrangler dev` behind a pooling
// relay (as `npm start` runs them in workerd) and on Deno (as `npm run start:deno` runs them). One
// runtime runs at a time, started once for its block; the notifier, NATS and a Resend stub are
// shared, so "an email went out" means the same thing everywhere.
const db = useTestDatabase();
type Vars = Record<"auth" | "search" | "booking" | "gateway", Record<string, string>>;

interface Running {
  url: string;
  stop(): Promise<void>;
}

const runtimes: { name: string; prefix: string; start(vars: Vars, workDir: string): Promise<Running> }[] = [
  {
    name: "Node",
    prefix: "N",
    async start(vars) {
      const servers: HostedWorker[] = [];
      for (const [worker, name] of [[auth, "auth"], [search, "search"], [booking, "booking"]] as const) servers.push(await serveWorker(worker, vars[name]));
      const [a, s, b] = servers.map((server) => httpService(server.url));
      const g = await serveWorker(gateway, { ...vars.gateway, AUTH: a, SEARCH: s, BOOKING: b });
      servers.push(g);
      return { url: g.url, stop: async () => void (await Promise.all(servers.map((server) => server.close()))) };
    },
  },
  {
    name: "workerd (wrangler dev, as npm start)",
    prefix: "W",
    async start(vars, workDir) {
      const pooler = await startPgPooler({ target: db.url(), max: 10 });
      const pooled = (v: Record<string, string>) => (v.DATABASE_URL ? { ...v, DATABASE_URL: pooler.urlFor(v.DATABASE_URL) } : v);
      try {
        const child = await startWranglerDevTogether({
          workers: (["gateway", "auth", "search", "booking"] as const).map((name) => ({ name, vars: pooled(vars[name]) })),
          port: await freePort(),
          dataDir: path.join(workDir, "wrangler"),
          registryPath: path.join(workDir, "wrangler-registry"),
          logLevel: "warn",
        });
        return { url: child.url, stop: async () => (await child.stop(), await pooler.close()) };
      } catch (err) {
        await pooler.close();
        throw err;
      }
    },
  },
  {
    name: "Deno",
    prefix: "D",
    async start(vars) {
      const child = await startDenoHost({ vars, port: 0 });
      return { url: child.url, stop: () => child.stop() };
    },
  },
];

let workDir: string;
let vars: Vars;
let nats: NatsServer;
let resend: ResendStub;
let notifier: RunningNotifier;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "airline-runtimes-"));
  const key = await generateSigningKey();
  const verify = { DATABASE_URL: db.url(), JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(key)] }) };
  vars = {
    auth: { DATABASE_URL: db.url(), JWT_PRIVATE_JWK: JSON.stringify(key), BCRYPT_COST: "4" },
    // Search answers are kept for two seconds: long enough to see a hit, short enough to see it expire.
    search: { ...verify, SEARCH_CACHE_SECONDS: "2" },
    booking: verify,
    // The gateway reads the auth worker's JWKS through its binding, as `npm start` configures it.
    gateway: { RATE_LIMIT_LOGIN: "5" },
  };
  nats = await startNatsServer();
  resend = await startResendStub();
  notifier = await startTestNotifier({ databaseUrl: db.url(), nats, resend, mailDir: path.join(workDir, "mail") });
});

afterAll(async () => {
  await notifier?.stop();
  await nats?.destroy();
  await resend?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const emailAbout = (bookingId: string, type: string) => emailOf(db.sql(), resend, bookingId, type);

describe.each(runtimes)("the API on $name", (runtime) => {
  let running: Running | undefined;
  const call = httpClient(() => running!.url);
  const p = runtime.prefix.toLowerCase();
  const account = async (who: string, admin = false) => {
    const email = `${who}.${p}@example.com`;
    const signup = await call("POST", "/api/v1/auth/signup", { body: { email, password: "correct horse", name: who } });
    expect(signup.status, signup.text).toBe(201);
    if (admin) await db.sql()`insert into user_roles (user_id, role) values (${signup.body.data.id}, 'admin')`;
    const login = await call("POST", "/api/v1/auth/login", { body: { email, password: "correct horse" } });
    expect(login.status, login.text).toBe(200);
    return { id: signup.body.data.id as string, email, token: login.body.data.accessToken as string };
  };

  let admin: Awaited<ReturnType<typeof account>>;
  let customer: Awaited<ReturnType<typeof account>>;
  let flightId = "";
  let date = "";
  const [from, to] = [`${runtime.prefix}RA`, `${runtime.prefix}RB`];

  beforeAll(async () => {
    running = await runtime.start(vars, path.join(workDir, p));
    admin = await account("ops", true);
    customer = await account("asha");
    const post = async (path: string, body: unknown) => {
      const res = await call("POST", path, { body, token: admin.token });
      expect(res.status, res.text).toBe(201);
      return res.body.data;
    };
    const city = await post("/api/v1/cities", { name: `Runtime city ${runtime.prefix}`, country: "IN" });
    for (const code of [from, to]) await post("/api/v1/airports", { code, name: code, cityId: city.id, timeZone: "Asia/Kolkata" });
    // Ten seats: the inventory of the race below.
    const plane = await post("/api/v1/airplanes", { model: `Ten ${runtime.prefix}`, cabins: [{ cabin: "economy", rows: 5, seatsPerRow: 2 }] });
    const departure = new Date(Date.now() + 7 * 86_400_000);
    departure.setUTCHours(6, 0, 0, 0);
    date = departure.toISOString().slice(0, 10);
    const flight = await post("/api/v1/flights", {
      flightNumber: `${runtime.prefix}T 1`,
      airplaneId: plane.id,
      from,
      to,
      departureTime: departure.toISOString(),
      arrivalTime: new Date(departure.getTime() + 2 * 3_600_000).toISOString(),
      price: { amount: 450000, currency: "INR" },
    });
    flightId = flight.id;
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  it("signup → search → hold → pay → email → cancel → email", async () => {
    const found = await call("GET", `/api/v1/flights?from=${from}&to=${to}&date=${date}`);
    expect(found.status, found.text).toBe(200);
    expect(found.body.data.map((f: { id: string }) => f.id)).toEqual([flightId]);
    expect(found.body.data[0].seatsAvailable).toBe(10);
    expect(found.headers.get("x-cache")).toBe("miss");
    // The answer is stored after it is sent (waitUntil), so the very next request may still miss.
    let repeated = found;
    for (let i = 0; i < 20 && repeated.headers.get("x-cache") !== "hit"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      repeated = await call("GET", `/api/v1/flights?from=${from}&to=${to}&date=${date}`);
    }
    expect(repeated.headers.get("x-cache")).toBe("hit");
    expect(repeated.text).toBe(found.text);

    const held = await call("POST", "/api/v1/bookings", {
      token: customer.token,
      body: { flightId, passengers: [{ name: "Asha Rao", seat: "1A" }] },
      headers: { "idempotency-key": `walk-${p}` },
    });
    expect(held.status, held.text).toBe(201);
    expect(held.body.data).toMatchObject({ status: "held", seats: ["1A"] });
    const bookingId = held.body.data.id as string;
    // The kept answer expires with its max-age on every runtime.
    await new Promise((r) => setTimeout(r, 2_100));
    const after = await call("GET", `/api/v1/flights?from=${from}&to=${to}&date=${date}`);
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(after.body.data[0].seatsAvailable).toBe(9);

    const paid = await call("POST", `/api/v1/bookings/${bookingId}/payments`, {
      token: customer.token,
      body: { amount: held.body.data.totalAmount },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.data.status).toBe("confirmed");
    const confirmation = await emailAbout(bookingId, "bookings.confirmed");
    expect(confirmation.to).toBe(customer.email);
    expect(confirmation.text).toContain(from);

    const cancelled = await call("POST", `/api/v1/bookings/${bookingId}/cancel`, { token: customer.token });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.data.status).toBe("cancelled");
    const cancellation = await emailAbout(bookingId, "bookings.cancelled");
    expect(cancellation.to).toBe(customer.email);
    expect(cancellation.subject).toMatch(/cancel/i);
  });

  it("answers 404 for someone else's booking", async () => {
    const held = await call("POST", "/api/v1/bookings", { token: customer.token, body: { flightId, passengers: [{ name: "Asha Rao" }] } });
    expect(held.status, held.text).toBe(201);
    const other = await account("other");
    const peek = await call("GET", `/api/v1/bookings/${held.body.data.id}`, { token: other.token });
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe("NOT_FOUND");
    const cancel = await call("POST", `/api/v1/bookings/${held.body.data.id}/cancel`, { token: other.token });
    expect(cancel.status).toBe(404);
    // Give the seat back for the race.
    expect((await call("POST", `/api/v1/bookings/${held.body.data.id}/cancel`, { token: customer.token })).status).toBe(200);
  });

  it("serves /openapi.json and the /docs page with Swagger UI's files", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.body.paths["/api/v1/bookings"]).toBeTruthy();
    const page = await fetch(`${running!.url}/docs`);
    expect(page.status).toBe(200);
    const script = await fetch(`${running!.url}/docs/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it("refuses a 70 KiB body with 413 and the sixth login a minute for one email with 429", async () => {
    const big = await call("POST", "/api/v1/auth/signup", { body: { email: `big.${p}@example.com`, password: "x".repeat(70 * 1024), name: "B" } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");

    const logins = [];
    for (let i = 0; i < 6; i++) logins.push(await call("POST", "/api/v1/auth/login", { body: { email: `limited.${p}@example.com`, password: "whatever1" } }));
    expect(logins.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(logins[5]!.body.error.code).toBe("RATE_LIMITED");
    expect(Number(logins[5]!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("200 parallel holds for the 10 seats: exactly 10 succeed, the rest are SEATS_UNAVAILABLE", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call("POST", "/api/v1/bookings", { token: customer.token, body: { flightId, passengers: [{ name: `Racer ${i}` }] } }),
      ),
    );
    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    expect(statuses).toEqual({ 201: 10, 409: 190 });
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.error.code))).toEqual(new Set(["SEATS_UNAVAILABLE"]));
    const seats = results.filter((r) => r.status === 201).flatMap((r) => r.body.data.seats as string[]);
    expect(new Set(seats).size).toBe(10);
    const [taken] = await db.sql()`select count(*)::int as n from seats where flight_id = ${flightId} and booking_id is not null`;
    expect(taken?.n).toBe(10);
  }, 60_000);
});
