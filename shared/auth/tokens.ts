import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import { log } from "../http/log";
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, type Jwks } from "./jwk";

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  userId: string;
  roles: readonly string[];
}

export type Role = "customer" | "admin";

export interface TokenAudience {
  issuer: string;
  audience: string;
}

export type AccessTokenVerifier = (token: string) => Promise<Principal>;

const ClaimsSchema = z.object({ sub: z.uuid(), roles: z.array(z.string()) });

/**
 * Verifies an access token: the algorithm is pinned, and issuer, audience, expiry and token type
 * are all checked. An expired but genuine token is TOKEN_EXPIRED; anything else is UNAUTHENTICATED.
 */
export function createAccessTokenVerifier(keys: JWTVerifyGetKey, { issuer, audience }: TokenAudience): AccessTokenVerifier {
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer,
        audience,
        typ: ACCESS_TOKEN_TYP,
        requiredClaims: ["sub", "exp", "iat"],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AppError("TOKEN_EXPIRED", "The access token has expired; refresh it.");
      // Why a token failed helps an operator; the caller only learns that it did.
      log("info", "access token rejected", { reason: (err as { code?: string }).code ?? String(err) });
      throw new AppError("UNAUTHENTICATED", "The access token is not valid.");
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AppError("UNAUTHENTICATED", "The access token is not valid.");
    return { userId: claims.data.sub, roles: claims.data.roles };
  };
}

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * Key sets for verification: a JWKS given inline, or the auth worker's JWKS URL, fetched once per
 * isolate and refetched by jose when a token names an unknown `kid`.
 */
export function keySetFrom(source: Jwks | URL): JWTVerifyGetKey {
  if (!(source instanceof URL)) return createLocalJWKSet(source);
  let keySet = remoteKeySets.get(source.href);
  if (!keySet) {
    keySet = createRemoteJWKSet(source, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    remoteKeySets.set(source.href, keySet);
  }
  return keySet;
}
