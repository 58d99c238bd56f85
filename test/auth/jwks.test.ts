import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";

// Public by design: it holds nothing secret, so there is no security case beyond what it leaves out.
const { call, env, newUser } = useAuthWorker();

describe("happy", () => {
  it("publishes the public key only, and it verifies issued tokens", async () => {
    const res = await call("GET", "/api/v1/auth/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: JSON.parse(env.JWT_PRIVATE_JWK!).kid });
    expect(key).not.toHaveProperty("d");

    const { accessToken } = await newUser();
    await expect(jwtVerify(accessToken, createLocalJWKSet(res.body))).resolves.toBeTruthy();
  });
});
