import { createLocalJWKSet, importJWK, type JWTVerifyGetKey, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { publicJwk } from "../../shared/auth/jwk";
import { createAccessTokenVerifier } from "../../shared/auth/tokens";
import { AppError } from "../../shared/errors";
import { generateSigningKey } from "../../scripts/lib/keys";

const audience = { issuer: "airline-auth", audience: "airline-api" };
const userId = "3f0c9c1e-5b7a-4c1e-9a7e-2d7c1b9f4a10";

async function setup() {
  const key = await generateSigningKey();
  const jwks = createLocalJWKSet({ keys: [publicJwk(key)] });
  // A key set that can be emptied, as when a key is withdrawn from the JWKS.
  let withdrawn = false;
  const keys: JWTVerifyGetKey = (header, token) => {
    if (withdrawn) throw new Error("no such key");
    return jwks(header, token);
  };
  const signingKey = await importJWK(key, "ES256");
  const sign = (expiresInSeconds: number) =>
    new SignJWT({ roles: ["customer"] })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: key.kid })
      .setIssuer(audience.issuer)
      .setAudience(audience.audience)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(signingKey);
  return { verify: createAccessTokenVerifier(keys, audience), sign, withdraw: () => (withdrawn = true) };
}

const codeOf = (promise: Promise<unknown>) => promise.then(
  () => "accepted",
  (err: unknown) => (err instanceof AppError ? err.code : String(err)),
);

describe("the access-token verifier's memory of verified tokens", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("trusts a verified token for at most a minute without checking its signature again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { verify, sign, withdraw } = await setup();
    const token = await sign(900);
    expect(await verify(token)).toEqual({ userId, roles: ["customer"] });
    withdraw();
    expect(await codeOf(verify(token))).toBe("accepted");
    vi.setSystemTime(Date.now() + 61_000);
    expect(await codeOf(verify(token))).toBe("UNAUTHENTICATED");
  });

  it("never past the token's expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { verify, sign } = await setup();
    const token = await sign(20);
    expect(await codeOf(verify(token))).toBe("accepted");
    vi.setSystemTime(Date.now() + 21_000);
    expect(await codeOf(verify(token))).toBe("TOKEN_EXPIRED");
  });

  it("remembers nothing about a token that failed: a tampered copy is refused every time", async () => {
    const { verify, sign } = await setup();
    const token = await sign(900);
    await verify(token);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: userId, roles: ["admin"], iss: audience.issuer, aud: audience.audience, iat: 1, exp: 4_000_000_000 })).toString("base64url")}.${signature}`;
    expect(await codeOf(verify(forged))).toBe("UNAUTHENTICATED");
    expect(await codeOf(verify(forged))).toBe("UNAUTHENTICATED");
  });
});
