import { describe, expect, it } from "vitest";
import { PASSWORD, useAuthWorker } from "../support/auth";

const { call, db } = useAuthWorker();

const signup = (body: unknown, headers?: Record<string, string>) => call("POST", "/api/v1/auth/signup", { body, headers });

describe("happy", () => {
  it("creates a customer, stores a bcrypt hash and a lower-cased email", async () => {
    const res = await signup({ email: "  Asha.Rao@Example.COM ", password: PASSWORD, name: "Asha Rao" });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: expect.any(String), email: "asha.rao@example.com", name: "Asha Rao", roles: ["customer"] });
    const [row] = await db.sql()`select email, password_hash from users where id = ${res.body.data.id}`;
    expect(row?.email).toBe("asha.rao@example.com");
    expect(row?.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(row?.password_hash).not.toContain(PASSWORD);
    const roles = await db.sql()`select role from user_roles where user_id = ${res.body.data.id}`;
    expect(roles.map((r) => r.role)).toEqual(["customer"]);
  });

  it("accepts a password of exactly 72 bytes", async () => {
    const res = await signup({ email: "exact@example.com", password: "a".repeat(72), name: "Exact" });
    expect(res.status).toBe(201);
  });
});

describe("errors", () => {
  it("refuses the same email in another case with 409 EMAIL_TAKEN and keeps the first account", async () => {
    const first = await signup({ email: "dup@example.com", password: PASSWORD, name: "First" });
    const second = await signup({ email: "DUP@Example.com", password: "another password", name: "Second" });

    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("EMAIL_TAKEN");
    const rows = await db.sql()`select name from users where email = 'dup@example.com'`;
    expect(rows.map((r) => r.name)).toEqual(["First"]);
  });

  it("names every invalid field", async () => {
    const res = await signup({ email: "not-an-email", password: "short", name: "" });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["email", "name", "password"]);
    expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers a body that is not JSON with 400 MALFORMED_JSON", async () => {
    const res = await signup('{"email": "x@example.com",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
  });

  it("answers another content type with 415", async () => {
    const res = await signup("email=x@example.com", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers a missing body and a JSON array with VALIDATION_FAILED", async () => {
    const empty = await call("POST", "/api/v1/auth/signup");
    const array = await signup([]);
    expect([empty.status, array.status]).toEqual([400, 400]);
    expect([empty.body.error.code, array.body.error.code]).toEqual(["VALIDATION_FAILED", "VALIDATION_FAILED"]);
  });
});

describe("security", () => {
  it("refuses a password over 72 UTF-8 bytes even when it is under 72 characters (bcrypt would ignore the rest)", async () => {
    const password = "é".repeat(37); // 37 characters, 74 bytes
    const res = await signup({ email: "long@example.com", password, name: "Long" });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details).toEqual([{ path: "password", message: expect.stringMatching(/72 bytes/) }]);
  });

  it("eight signups with one email at once: exactly one account", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => signup({ email: "race@example.com", password: PASSWORD, name: "Racer" })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const [count] = await db.sql()`select count(*)::int as n from users where email = 'race@example.com'`;
    expect(count?.n).toBe(1);
  });

  it("a signup cannot choose its roles: it is a customer whatever the body says", async () => {
    const res = await signup({ email: "climber@example.com", password: PASSWORD, name: "Climber", roles: ["admin"] });
    expect(res.status).toBe(201);
    expect(res.body.data.roles).toEqual(["customer"]);
    const roles = await db.sql()`select role from user_roles where user_id = ${res.body.data.id}`;
    expect(roles.map((r) => r.role)).toEqual(["customer"]);
  });
});
