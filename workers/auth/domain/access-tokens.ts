import { createLocalJWKSet, importJWK, SignJWT } from "jose";
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, type Jwks, publicJwk } from "../../../shared/auth/jwk";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "../../../shared/auth/tokens";
import type { AuthConfig } from "../config";

interface Keys {
  signingKey: Promise<CryptoKey | Uint8Array>;
  jwks: Jwks;
  verify: AccessTokenVerifier;
}

// Importing a JWK costs a WebCrypto call: once per isolate (per config), not per request.
const keysByConfig = new WeakMap<AuthConfig, Keys>();

function keysFor(config: AuthConfig): Keys {
  let keys = keysByConfig.get(config);
  if (!keys) {
    const jwks = { keys: [publicJwk(config.JWT_PRIVATE_JWK)] };
    keys = {
      signingKey: importJWK({ ...config.JWT_PRIVATE_JWK, alg: ACCESS_TOKEN_ALG }, ACCESS_TOKEN_ALG),
      jwks,
      verify: createAccessTokenVerifier(createLocalJWKSet(jwks), {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
    };
    keysByConfig.set(config, keys);
  }
  return keys;
}

/** An access token for `user` in `sessionId` (its `sid`, which admin actions check is still live). */
export async function issueAccessToken(config: AuthConfig, user: { id: string; roles: string[] }, sessionId: string): Promise<string> {
  return new SignJWT({ roles: user.roles, sid: sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: config.JWT_PRIVATE_JWK.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${config.ACCESS_TOKEN_TTL_SECONDS}s`)
    .setJti(crypto.randomUUID())
    .sign(await keysFor(config).signingKey);
}

export const publishedKeys = (config: AuthConfig): Jwks => keysFor(config).jwks;

export const accessTokenVerifier = (config: AuthConfig): AccessTokenVerifier => keysFor(config).verify;
