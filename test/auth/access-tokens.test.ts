import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../scripts/lib/keys";
import { useAuthWorker } from "../support/auth";
import { b64url, nowSeconds, signAccessToken, validClaims, withEditedClaims } from "../support/tokens";

// How the auth worker checks an access token, seen through GET /api/v1/auth/me (the simplest
// signed-in route). The other workers share the verifier: test/shared/verifier.test.ts.
const { call, env, newUser } = useAuthWorker();

const me = (token: string) => call("GET", "/api/v1/auth/me", { token });
const sign = (claims: Parameters<typeof signAccessToken>[1], opts?: Parameters<typeof signAccessToken>[2]) =>
  signAccessToken(env.JWT_PRIVATE_JWK!, claims, opts);

describe("access tokens that must be refused", () => {
  it("alg: none", async () => {
    const { user } = await newUser();
    const token = `${b64url({ alg: "none", typ: "at+jwt" })}.${b64url({ ...validClaims(user.id), roles: ["admin"] })}.`;
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("edited claims under the original signature", async () => {
    const { accessToken } = await newUser();
    const res = await me(withEditedClaims(accessToken, { roles: ["admin"] }));
    expect(res.status).toBe(401);
  });

  it("the wrong audience", async () => {
    const { user } = await newUser();
    expect((await me(await sign({ ...validClaims(user.id), aud: "someone-else" }))).status).toBe(401);
  });

  it("the wrong issuer", async () => {
    const { user } = await newUser();
    expect((await me(await sign({ ...validClaims(user.id), iss: "evil" }))).status).toBe(401);
  });

  it("expired: 401 TOKEN_EXPIRED", async () => {
    const { user } = await newUser();
    const res = await me(await sign({ ...validClaims(user.id), iat: nowSeconds() - 3600, exp: nowSeconds() - 60 }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("signed by another key, even under our kid", async () => {
    const { user } = await newUser();
    const otherKey = JSON.stringify(await generateSigningKey());
    const res = await me(await signAccessToken(otherKey, validClaims(user.id), { kid: JSON.parse(env.JWT_PRIVATE_JWK!).kid }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("a JWT of another type (not at+jwt)", async () => {
    const { user } = await newUser();
    expect((await me(await sign(validClaims(user.id), { typ: "JWT" }))).status).toBe(401);
  });

  it("HS256 keyed with the public key (algorithm confusion)", async () => {
    const { user } = await newUser();
    const jwks = (await call("GET", "/api/v1/auth/.well-known/jwks.json")).body;
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const token = await new SignJWT({ roles: ["admin"], ...validClaims(user.id) })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .sign(secret);
    expect((await me(token)).status).toBe(401);
  });

  it("a token whose subject is not a user id", async () => {
    expect((await me(await sign({ ...validClaims("x"), sub: "not-a-uuid" }))).status).toBe(401);
  });
});
