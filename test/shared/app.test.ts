import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { ConfigError, env as envField, parseConfig } from "../../shared/config";
import { AppError } from "../../shared/errors";
import { createWorkerApp } from "../../shared/http/openapi";
import { generateSigningKey } from "../../scripts/lib/keys";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import auth from "../../workers/auth/index";
import { clientFor } from "../support/client";

const app = createWorkerApp("test");
app.get("/boom", () => {
  throw new Error("secret detail: password=hunter2");
});
app.get("/coded", () => {
  throw new AppError("INVALID_STATE", "Not now.", { headers: { "Retry-After": "3" } });
});
const call = clientFor({ fetch: (req, env, ctx) => app.fetch(req, env, ctx) }, () => ({}));

describe("the worker app factory", () => {
  it("echoes a sane X-Request-Id and replaces one that is not", async () => {
    const sane = await call("GET", "/nowhere", { headers: { "x-request-id": "client-abc_123" } });
    expect(sane.headers.get("x-request-id")).toBe("client-abc_123");
    expect(sane.body.error.requestId).toBe("client-abc_123");

    const insane = await call("GET", "/nowhere", { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await call("GET", "/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.body.error).toMatchObject({ code: "NOT_FOUND", message: expect.any(String) });
  });

  it("turns an unexpected error into 500 INTERNAL with the request id and no detail", async () => {
    const res = await call("GET", "/boom");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: "INTERNAL", message: expect.any(String), requestId: res.headers.get("x-request-id") },
    });
    expect(res.text).not.toContain("hunter2");
    expect(res.text).not.toContain("at ");
  });

  it("maps a coded error to its status, keeping its headers", async () => {
    const res = await call("GET", "/coded");
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.body.error.code).toBe("INVALID_STATE");
  });
});

describe("request bodies on Node", () => {
  // Served over real HTTP: a declared length is checked from the header, a chunked body as it streams.
  const small = createWorkerApp("test", 64);
  small.post("/echo", async (c) => c.json({ received: await c.req.json() }));
  let server: HostedWorker;
  beforeAll(async () => {
    server = await serveWorker({ fetch: (req, env, ctx) => small.fetch(req, env, ctx) }, {});
  });
  afterAll(() => server.close());

  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 16) controller.enqueue(bytes.subarray(i, i + 16));
        controller.close();
      },
    });
  const post = (body: string | ReadableStream<Uint8Array>) =>
    fetch(`${server.url}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);

  it("reads a body within the limit, declared or streamed", async () => {
    const json = JSON.stringify({ note: "x".repeat(30) });
    for (const body of [json, chunked(json)]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: { note: "x".repeat(30) } });
    }
  });

  it("refuses a body over the limit with 413, declared or streamed", async () => {
    const json = JSON.stringify({ note: "x".repeat(100) });
    for (const body of [json, chunked(json)]) {
      const res = await post(body);
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    }
  });
});

describe("configuration", () => {
  const schema = z.object({ DATABASE_URL: envField.url(), BCRYPT_COST: envField.int(4, 15, 10) });

  it("names a missing variable in one line", () => {
    expect(() => parseConfig(schema, {})).toThrowError(new ConfigError("Invalid configuration: DATABASE_URL is required"));
  });

  it("names a malformed variable", () => {
    expect(() => parseConfig(schema, { DATABASE_URL: "postgres://x/y", BCRYPT_COST: "99" })).toThrowError(/BCRYPT_COST/);
  });

  it("applies defaults and coerces numbers", () => {
    expect(parseConfig(schema, { DATABASE_URL: "postgres://x/y" })).toEqual({ DATABASE_URL: "postgres://x/y", BCRYPT_COST: 10 });
  });

  it("a worker with bad configuration answers 500 INTERNAL without leaking it", async () => {
    const broken = clientFor(auth, () => ({ DATABASE_URL: "postgres://127.0.0.1:1/x", JWT_PRIVATE_JWK: "{not json" }));
    const res = await broken("GET", "/api/v1/auth/.well-known/jwks.json");
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("INTERNAL");
    expect(res.text).not.toContain("not json");
  });
});

describe("an unreachable database", () => {
  it("is 503 DEPENDENCY_UNAVAILABLE, not a 500 or a hang", async () => {
    const key = JSON.stringify(await generateSigningKey());
    const down = clientFor(auth, () => downEnv);
    const downEnv = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nothing", JWT_PRIVATE_JWK: key, BCRYPT_COST: "4" };
    const res = await down("POST", "/api/v1/auth/login", { body: { email: "a@example.com", password: "password123" } });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("DEPENDENCY_UNAVAILABLE");
  });
});
