import { afterAll, beforeAll, describe, expect, it } from "vitest";
import booking from "../../workers/booking/index";
import { useBooking } from "../support/booking";
import { clientFor } from "../support/client";
import { expectAdminOnly } from "../support/security";
import { startDnsStub } from "../support/webhooks";

// POST /api/v1/webhooks: a partner's endpoint, its secret shown once; in production only https
// endpoints whose host resolves to public addresses (server-side request forgery).
const { db, newAdmin, bookingCall: call, bookingEnv, refusedCallers } = useBooking();
let dns: Awaited<ReturnType<typeof startDnsStub>>;
const production: Record<string, string> = {};
const development: Record<string, string> = {};
const callIn = { production: clientFor(booking, () => production), development: clientFor(booking, () => development) };

beforeAll(async () => {
  dns = await startDnsStub({
    "partner.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "internal.example": ["10.0.0.7"],
    "sneaky.example": ["93.184.215.14", "127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "v6-loopback.example": ["::1"],
  });
  // The configuration is parsed once per env object: one object per environment.
  Object.assign(production, bookingEnv, { ENVIRONMENT: "production", WEBHOOK_DNS_URL: dns.url });
  Object.assign(development, bookingEnv, { ENVIRONMENT: "development", WEBHOOK_DNS_URL: dns.url });
});
afterAll(() => dns?.close());

const create = (token: string, body: unknown, environment: "production" | "development" = "production") =>
  callIn[environment]("POST", "/api/v1/webhooks", { token, body });
const endpointCount = async () => (await db.sql()`select count(*)::int as n from webhook_endpoints`)[0]!.n;

describe("happy", () => {
  it("registers an endpoint for some event types; the secret is in this answer only", async () => {
    const admin = await newAdmin();
    const res = await create(admin.accessToken, { url: "https://partner.example/hooks", eventTypes: ["bookings.confirmed", "flights.changed"], description: "Agency" }, "production");
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      url: "https://partner.example/hooks",
      eventTypes: ["bookings.confirmed", "flights.changed"],
      description: "Agency",
      enabled: true,
      consecutiveFailures: 0,
    });
    expect(res.body.data.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get("location")).toBe(`/api/v1/webhooks/${res.body.data.id}`);
    const again = await call("GET", `/api/v1/webhooks/${res.body.data.id}`, { token: admin.accessToken });
    expect(again.status).toBe(200);
    expect(again.body.data).not.toHaveProperty("secret");
    expect(again.text).not.toContain(res.body.data.secret);
  });

  it("eventTypes default to every type ('*')", async () => {
    const admin = await newAdmin();
    const res = await create(admin.accessToken, { url: "https://93.184.215.14/in" }, "production");
    expect(res.status).toBe(201);
    expect(res.body.data.eventTypes).toEqual(["*"]);
  });

  it("in development, loopback and plain http receivers are allowed (local tests and demos)", async () => {
    const admin = await newAdmin();
    const res = await create(admin.accessToken, { url: "http://127.0.0.1:9/hooks" }, "development");
    expect(res.status).toBe(201);
  });
});

describe("errors", () => {
  const refusedInProduction: [string, string][] = [
    ["http://partner.example/hooks", "must be https"],
    ["https://127.0.0.1/hooks", "must not be a loopback, private or otherwise internal address"],
    ["https://10.1.2.3/hooks", "must not be a loopback, private or otherwise internal address"],
    ["https://169.254.169.254/latest/meta-data", "must not be a loopback, private or otherwise internal address"],
    ["https://[::1]/hooks", "must not be a loopback, private or otherwise internal address"],
    ["https://[::ffff:192.168.1.1]/hooks", "must not be a loopback, private or otherwise internal address"],
    ["https://2130706433/hooks", "must not be a loopback, private or otherwise internal address"], // 127.0.0.1 spelt as a number
    ["https://localhost/hooks", "must be a public host name"],
    ["https://api.localhost/hooks", "must be a public host name"],
    ["https://intranet/hooks", "must be a public host name"],
    ["https://internal.example/hooks", "resolves to a loopback, private or otherwise internal address"],
    ["https://sneaky.example/hooks", "resolves to a loopback, private or otherwise internal address"],
    ["https://metadata.example/hooks", "resolves to a loopback, private or otherwise internal address"],
    ["https://v6-loopback.example/hooks", "resolves to a loopback, private or otherwise internal address"],
    ["https://nowhere.example/hooks", "has a host name that does not resolve"],
  ];
  it.each(refusedInProduction)("production refuses %s: %s", async (url, message) => {
    const admin = await newAdmin();
    const before = await endpointCount();
    const res = await create(admin.accessToken, { url }, "production");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "url", message }] });
    expect(await endpointCount()).toBe(before);
  });

  it("any environment refuses what is not an http(s) URL, credentials and fragments", async () => {
    const admin = await newAdmin();
    for (const [url, message] of [
      ["not a url", "must be an absolute URL"],
      ["ftp://partner.example/x", "must be an http or https URL"],
      ["https://user:pw@partner.example/x", "must not carry credentials"],
      ["https://partner.example/x#frag", "must not have a fragment"],
      ["https://partner.example:0/x", "must not use port 0"],
    ]) {
      const res = await create(admin.accessToken, { url }, "development");
      expect(res.status, url).toBe(400);
      expect(res.body.error.details).toEqual([{ path: "url", message }]);
    }
  });

  it("unknown event types, an empty list and a missing URL are 400 naming the field", async () => {
    const admin = await newAdmin();
    const unknown = await create(admin.accessToken, { url: "https://partner.example/x", eventTypes: ["bookings.teleported"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe("eventTypes.0");
    expect(unknown.body.error.details[0].message).toContain("bookings.confirmed");
    const empty = await create(admin.accessToken, { url: "https://partner.example/x", eventTypes: [] });
    expect(empty.body.error.details[0].path).toBe("eventTypes");
    const missing = await create(admin.accessToken, { eventTypes: ["*"] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe("url");
  });

  it("a resolver that does not answer is 503, never a pass", async () => {
    const admin = await newAdmin();
    dns.down = true;
    try {
      const res = await create(admin.accessToken, { url: "https://partner.example/hooks" }, "production");
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("DEPENDENCY_UNAVAILABLE");
    } finally {
      dns.down = false;
    }
  });
});

describe("security", () => {
  it("admin only: no token, expired, forged, a customer", async () => {
    await expectAdminOnly((token) => create(token!, { url: "https://93.184.215.14/x" }), await refusedCallers(), endpointCount);
  });
});
