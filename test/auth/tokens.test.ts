import { decodeJwt, importJWK, type JWTPayload, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../scripts/lib/keys";
import { useAuthWorker } from "../support/auth";

const { call, env, newUser } = useAuthWorker();

const me = (token: string) => call("GET", "/api/v1/auth/me", { token });

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Signs claims with the auth worker's own key (or another), overriding whatever a test varies. */
async function sign(claims: JWTPayload, opts: { key?: string; typ?: string; kid?: string } = {}) {
  const jwk = JSON.parse(opts.key ?? env.JWT_PRIVATE_JWK!);
  return new SignJWT({ roles: ["customer"], ...claims })
    .setProtectedHeader({ alg: "ES256", typ: opts.typ ?? "at+jwt", kid: opts.kid ?? jwk.kid })
    .sign(await importJWK(jwk, "ES256"));
}

const now = () => Math.floor(Date.now() / 1000);
const valid = (sub: string): JWTPayload => ({ sub, iss: "airline-auth", aud: "airline-api", iat: now(), exp: now() + 60 });

describe("GET /api/v1/auth/me", () => {
  it("returns the caller", async () => {
    const { user, accessToken } = await newUser();
    const res = await me(accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(user);
  });

  it("is 401 without a token or with a malformed header", async () => {
    const none = await call("GET", "/api/v1/auth/me");
    const basic = await call("GET", "/api/v1/auth/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect([none.status, basic.status]).toEqual([401, 401]);
    expect(none.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("access tokens that must be refused", () => {
  it("alg: none", async () => {
    const { user } = await newUser();
    const token = `${b64url({ alg: "none", typ: "at+jwt" })}.${b64url({ ...valid(user.id), roles: ["admin"] })}.`;
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("edited claims under the original signature", async () => {
    const { accessToken } = await newUser();
    const [header, , signature] = accessToken.split(".");
    const edited = { ...decodeJwt(accessToken), roles: ["admin"] };
    const res = await me(`${header}.${b64url(edited)}.${signature}`);
    expect(res.status).toBe(401);
  });

  it("the wrong audience", async () => {
    const { user } = await newUser();
    expect((await me(await sign({ ...valid(user.id), aud: "someone-else" }))).status).toBe(401);
  });

  it("the wrong issuer", async () => {
    const { user } = await newUser();
    expect((await me(await sign({ ...valid(user.id), iss: "evil" }))).status).toBe(401);
  });

  it("expired: 401 TOKEN_EXPIRED", async () => {
    const { user } = await newUser();
    const res = await me(await sign({ ...valid(user.id), iat: now() - 3600, exp: now() - 60 }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("signed by another key, even under our kid", async () => {
    const { user } = await newUser();
    const otherKey = JSON.stringify(await generateSigningKey());
    const res = await me(await sign(valid(user.id), { key: otherKey, kid: JSON.parse(env.JWT_PRIVATE_JWK!).kid }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("a JWT of another type (not at+jwt)", async () => {
    const { user } = await newUser();
    expect((await me(await sign(valid(user.id), { typ: "JWT" }))).status).toBe(401);
  });

  it("HS256 keyed with the public key (algorithm confusion)", async () => {
    const { user } = await newUser();
    const jwks = (await call("GET", "/api/v1/auth/.well-known/jwks.json")).body;
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const token = await new SignJWT({ roles: ["admin"], ...valid(user.id) })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .sign(secret);
    expect((await me(token)).status).toBe(401);
  });

  it("a token whose subject is not a user id", async () => {
    expect((await me(await sign({ ...valid("x"), sub: "not-a-uuid" }))).status).toBe(401);
  });
});

describe("GET /api/v1/auth/.well-known/jwks.json", () => {
  it("publishes the public key only, and it verifies issued tokens", async () => {
    const res = await call("GET", "/api/v1/auth/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: JSON.parse(env.JWT_PRIVATE_JWK!).kid });
    expect(key).not.toHaveProperty("d");

    const { createLocalJWKSet, jwtVerify } = await import("jose");
    const { accessToken } = await newUser();
    await expect(jwtVerify(accessToken, createLocalJWKSet(res.body))).resolves.toBeTruthy();
  });
});
