import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { PASSWORD, useAuthWorker } from "../support/auth";

const { call, db, signUp, newUser } = useAuthWorker();

const login = (body: unknown) => call("POST", "/api/v1/auth/login", { body });

describe("happy", () => {
  it("returns an access token with the documented claims and a refresh token", async () => {
    const user = await signUp("Login.Me@example.com");
    const res = await login({ email: "LOGIN.me@example.com", password: PASSWORD });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: 900,
    });
    const header = decodeProtectedHeader(res.body.data.accessToken);
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt", kid: expect.any(String) });
    const claims = decodeJwt(res.body.data.accessToken);
    expect(claims).toMatchObject({ sub: user.id, iss: "airline-auth", aud: "airline-api", roles: ["customer"] });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
  });
});

describe("errors", () => {
  it("validates its body", async () => {
    const res = await login({ email: "x@example.com" });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: "password", message: expect.any(String) }]);
  });
});

describe("security", () => {
  it("gives the same 401 for an unknown email and for a wrong password", async () => {
    await signUp("known@example.com");
    const unknown = await login({ email: "nobody@example.com", password: PASSWORD });
    const wrong = await login({ email: "known@example.com", password: "wrong password" });

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = (body: { error: { requestId?: string } }) => ({ ...body.error, requestId: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(unknown.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("does not let a password longer than 72 bytes match on its first 72", async () => {
    const password = "p".repeat(72);
    const user = await signUp(undefined, password);
    const res = await login({ email: user.email, password: `${password}extra` });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("password");
  });

  it("stores the refresh token it issues only as a hash", async () => {
    const { user, refreshToken } = await newUser();
    const rows = await db.sql()`select token_hash from refresh_tokens t join sessions s on s.id = t.session_id where s.user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toBe(refreshToken);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
