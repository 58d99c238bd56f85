import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicJwk } from "../../shared/auth/jwk";
import { httpService } from "../../shared/http/forward";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import auth from "../../workers/auth/index";
import booking from "../../workers/booking/index";
import gateway from "../../workers/gateway/index";
import { upstreamRoutes } from "../../workers/gateway/routes";
import search from "../../workers/search/index";
import publicApi from "../../workers/gateway/public-api.json";
import { generateSigningKey } from "../../scripts/lib/keys";
import { NO_RATE_LIMITS } from "../support/client";
import { useTestDatabase } from "../support/database";

// Every operation of the public API, attacked through the real gateway over HTTP as a careless or
// hostile client would: hostile path ids, query values, bodies and headers. Whatever is sent, the
// answer is the API's envelope with a 2xx or 4xx status, never a 5xx, a hang or a stack trace.
// The tally is written to .data/attack-sweep.json.
const db = useTestDatabase();
const servers: HostedWorker[] = [];
let base = "";
const tokens = { customer: "", admin: "" };
const ids = { flight: "", booking: "", user: "" };

beforeAll(async () => {
  const key = JSON.stringify(await generateSigningKey());
  const verify = { DATABASE_URL: db.url(), JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(key))] }) };
  const authServer = await serveWorker(auth, { DATABASE_URL: db.url(), JWT_PRIVATE_JWK: key, BCRYPT_COST: "4" });
  const searchServer = await serveWorker(search, verify);
  const bookingServer = await serveWorker(booking, verify);
  const gatewayServer = await serveWorker(gateway, {
    ...verify,
    ...NO_RATE_LIMITS,
    AUTH: httpService(authServer.url),
    SEARCH: httpService(searchServer.url),
    BOOKING: httpService(bookingServer.url),
  });
  servers.push(gatewayServer, authServer, searchServer, bookingServer);
  base = gatewayServer.url;

  const json = async (method: string, path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data: any };
  };
  for (const who of ["customer", "admin"] as const) {
    const user = (await json("POST", "/api/v1/auth/signup", { email: `${who}@example.com`, password: "correct horse", name: who })).data;
    if (who === "admin") await db.sql()`insert into user_roles (user_id, role) values (${user.id}, 'admin')`;
    else ids.user = user.id;
    tokens[who] = (await json("POST", "/api/v1/auth/login", { email: `${who}@example.com`, password: "correct horse" })).data.accessToken;
  }
  const city = (await json("POST", "/api/v1/cities", { name: "Sweep", country: "IN" }, tokens.admin)).data;
  for (const code of ["SWA", "SWB"]) await json("POST", "/api/v1/airports", { code, name: code, cityId: city.id, timeZone: "Asia/Kolkata" }, tokens.admin);
  const plane = (await json("POST", "/api/v1/airplanes", { model: "Sweep", cabins: [{ cabin: "economy", rows: 30, seatsPerRow: 6 }] }, tokens.admin)).data;
  const departure = new Date(Date.now() + 7 * 86_400_000);
  ids.flight = (
    await json(
      "POST",
      "/api/v1/flights",
      {
        flightNumber: "SW 1",
        airplaneId: plane.id,
        from: "SWA",
        to: "SWB",
        departureTime: departure.toISOString(),
        arrivalTime: new Date(departure.getTime() + 7_200_000).toISOString(),
        price: { amount: 1000, currency: "INR" },
      },
      tokens.admin,
    )
  ).data.id;
  ids.booking = (await json("POST", "/api/v1/bookings", { flightId: ids.flight, passengers: [{ name: "A" }] }, tokens.customer)).data.id;
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
});

const deepArrays = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
const deepObjects = `${'{"a":'.repeat(8_000)}1${"}".repeat(8_000)}`;
const hostileValues: unknown[] = [
  null,
  "",
  "x".repeat(10_000),
  "\u202e\u0000",
  1e308,
  -1e308,
  -0,
  "NaN",
  "Infinity",
  "-0",
  "1e308",
  2 ** 53 + 2,
  -1,
  0.5,
  true,
  [],
  {},
  { $gt: "" },
  "0001-01-01T00:00:00+14:00",
  "0001-01-01T10:00:00Z",
  "99999-01-01T00:00:00Z",
  "'; drop table flights; --",
];
const hostileQueryValues = ["", "1e308", "-0", "NaN", "-1", "9".repeat(400), "0001-01-01", "99999-12-31", "1969-12-31", "abc", "[", "%00", "DEL,BOM", "-price,-price"];
const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const hostileCursors = [
  b64url('{"k":"departureTime,id","v":[1e20,"x"]}'),
  b64url('{"k":"departureTime,id","v":[1e999,"x"]}'),
  b64url('{"k":"price,id","v":["NaN",null]}'),
  b64url('{"k":"-createdAt,-id","v":["0001-01-01T00:00:00.000Z","00000000-0000-0000-0000-000000000000"]}'),
  b64url(`{"k":"id","v":["${"a".repeat(900)}"]}`),
  "not base64 at all!",
  "",
];
const hostileIds = () => [ids.flight, ids.booking, crypto.randomUUID(), "not-a-uuid", "%00", "1e308", "x".repeat(2_000), "..%2F..%2Fetc", "00000000-0000-0000-0000-000000000000"];
const hostileHeaders: Record<string, string>[] = [
  { "x-request-id": "x".repeat(5_000) },
  { "x-request-id": "\u00e9t\u00e9" },
  { "idempotency-key": "" },
  { "idempotency-key": "k".repeat(300) },
  { "idempotency-key": "\u00e9" },
  { authorization: "Bearer" },
  { authorization: "Bearer a.b.c" },
  { authorization: `Bearer ${"x".repeat(8_000)}` },
  { authorization: "Basic dXNlcjpwYXNz" },
  { "cf-connecting-ip": "999.999.999.999" },
  { "x-forwarded-for": ", , ::::, 1.2.3.4.5" },
  { "content-type": "text/plain" },
  { "content-type": "application/json; charset=utf-16" },
  { "content-type": "multipart/form-data; boundary=x" },
];

interface Tally {
  tried: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  failures: string[];
}

async function send(tally: Tally, method: string, path: string, options: { body?: string; headers?: Record<string, string>; token?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.token && !headers.authorization) headers.authorization = `Bearer ${options.token}`;
  tally.tried++;
  let status = 0;
  let text = "";
  try {
    const res = await fetch(`${base}${path}`, { method, headers, body: options.body, signal: AbortSignal.timeout(10_000) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    tally.failures.push(`${method} ${path.slice(0, 120)}: no answer (${String(err)})`);
    tally.status5xx++;
    return;
  }
  if (status >= 500) {
    tally.status5xx++;
    tally.failures.push(`${method} ${path.slice(0, 120)} ${JSON.stringify(options.headers ?? {}).slice(0, 80)} ${options.body?.slice(0, 80) ?? ""} → ${status} ${text.slice(0, 200)}`);
  } else if (status >= 400) tally.status4xx++;
  else tally.status2xx++;
  // Whatever the status, an error is the envelope, never a stack trace.
  if (status >= 400 && status !== 405 && !text.includes('"error"')) tally.failures.push(`${method} ${path.slice(0, 120)} → ${status} without the error envelope`);
  if (/\bat [\w.]+ \(|node_modules/.test(text)) tally.failures.push(`${method} ${path.slice(0, 120)} → a stack trace in the answer`);
}

const documented = publicApi.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;

describe("the attack sweep", () => {
  it("no request, however hostile, gets a 5xx, a hang or a stack trace", async () => {
    const tally: Tally = { tried: 0, status2xx: 0, status4xx: 0, status5xx: 0, failures: [] };
    for (const route of upstreamRoutes) {
      // The admin gets past every role check; bookings are the customer's own.
      const token = route.signedIn ? (route.path.startsWith("/api/v1/bookings") ? tokens.customer : tokens.admin) : undefined;
      const concrete = (id: string) => route.path.replace(":id", encodeURIComponent(id)).replace(":role", "admin");
      const docPath = route.path.replace(/:(\w+)/g, "{$1}");
      const queryParams = (documented[docPath]?.[route.method.toLowerCase()]?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      const hasBody = !["GET", "HEAD", "DELETE"].includes(route.method) || route.path.includes("/roles/");
      const batch: Promise<void>[] = [];

      // Path ids.
      for (const id of hostileIds()) batch.push(send(tally, route.method, concrete(id), { token, body: hasBody ? "{}" : undefined }));
      const path = concrete(route.path.includes("bookings") ? ids.booking : ids.flight);
      // Query values, one parameter at a time (the rest as they default), and hand-made cursors.
      for (const name of queryParams) {
        for (const value of [...hostileQueryValues, ...(name === "cursor" ? hostileCursors : [])]) {
          const needed = route.path === "/api/v1/itineraries" ? "from=SWA&to=SWB&date=2031-01-01&" : "";
          batch.push(send(tally, route.method, `${path}?${needed}${name}=${encodeURIComponent(value)}`, { token }));
        }
      }
      // Bodies: malformed, deeply nested, and every hostile value in every place a field could be.
      if (hasBody) {
        for (const body of ["", "{", "null", "[]", '"text"', "1e308", deepArrays, deepObjects, JSON.stringify({ a: "x".repeat(60_000) })]) {
          batch.push(send(tally, route.method, path, { token, body }));
        }
        const fields = ["email", "password", "name", "refreshToken", "country", "code", "cityId", "timeZone", "model", "cabins", "flightNumber", "airplaneId", "from", "to", "departureTime", "arrivalTime", "price", "boardingGate", "status", "flightId", "passengers", "amount"];
        for (const value of hostileValues) {
          batch.push(send(tally, route.method, path, { token, body: JSON.stringify(Object.fromEntries(fields.map((f) => [f, value]))) }));
          batch.push(send(tally, route.method, path, { token, body: JSON.stringify({ flightId: ids.flight, passengers: [{ name: value, seat: value }], amount: { amount: value, currency: value } }) }));
          batch.push(send(tally, route.method, path, { token, body: JSON.stringify({ cabins: [{ cabin: "economy", rows: value, seatsPerRow: value }], model: "m", price: { amount: value, currency: "INR" } }) }));
        }
      }
      // Headers the gateway and the workers read.
      for (const headers of hostileHeaders) batch.push(send(tally, route.method, path, { token, headers, body: hasBody ? "{}" : undefined }));
      await Promise.all(batch);
    }
    mkdirSync(".data", { recursive: true });
    writeFileSync(".data/attack-sweep.json", `${JSON.stringify({ ...tally, failures: tally.failures.slice(0, 50) }, null, 2)}\n`);
    expect(tally.failures).toEqual([]);
    expect(tally.status5xx).toBe(0);
    expect(tally.tried).toBeGreaterThan(2_000);
  }, 120_000);
});
