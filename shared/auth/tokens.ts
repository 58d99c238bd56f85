import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import * as z from "zod";
import { AppError } from "../errors";
import { log } from "../http/log";
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, type Jwks } from "./jwk";

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  userId: string;
  /** Roles when the token was issued; admin actions check the live ones (confirmAdmin). */
  roles: readonly string[];
  /** The session the token was issued in (absent from tokens not issued by a login). */
  sessionId?: string;
}

export type Role = "customer" | "admin";

export interface TokenAudience {
  issuer: string;
  audience: string;
}

export type AccessTokenVerifier = (token: string) => Promise<Principal>;

const ClaimsSchema = z.object({ sub: z.uuid(), roles: z.array(z.string()), sid: z.uuid().optional() });

/** How long a verified token is trusted without checking its signature again. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX_ENTRIES = 10_000;

/**
 * Verifies an access token: the algorithm is pinned, and issuer, audience, expiry and token type
 * are all checked. An expired but genuine token is TOKEN_EXPIRED; anything else is UNAUTHENTICATED.
 *
 * A client sends the same token with every request for its whole lifetime, and the ECDSA check is
 * most of a request's authentication cost, so each verifier remembers tokens it has verified for
 * up to a minute (never past their expiry). Only verified tokens are remembered, so a forged one
 * costs a full check every time; a key withdrawn from the JWKS stops working within that minute.
 */
export function createAccessTokenVerifier(keys: JWTVerifyGetKey, { issuer, audience }: TokenAudience): AccessTokenVerifier {
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.principal;
    if (known) verified.delete(token);

    let payload: { exp?: number };
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
    const principal: Principal = { userId: claims.data.sub, roles: claims.data.roles, sessionId: claims.data.sid };
    // Oldest first in a Map's order: past the cap, the longest-remembered token is forgotten.
    if (verified.size >= VERIFIED_MAX_ENTRIES) verified.delete(verified.keys().next().value!);
    verified.set(token, { principal, until: Math.min(now + VERIFIED_TTL_MS, payload.exp! * 1000) });
    return principal;
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
