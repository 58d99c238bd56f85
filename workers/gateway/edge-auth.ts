import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import type { MiddlewareHandler } from "hono";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "../../shared/auth/tokens";
import { AppError } from "../../shared/errors";
import type { Fetcher } from "../../shared/worker";
import type { GatewayEnv } from "./app";
import { needsUser } from "./config";

const verifiers = new WeakMap<object, AccessTokenVerifier>();

/**
 * The key set: inline keys or a JWKS URL when configured, otherwise the auth worker's JWKS through
 * its service binding. jose caches it and refetches when a token names a kid it has not seen.
 */
function keysFor(env: Record<string, unknown>, config: GatewayEnv["Variables"]["config"]): JWTVerifyGetKey {
  if (config.JWT_PUBLIC_JWKS) return createLocalJWKSet(config.JWT_PUBLIC_JWKS);
  const auth = env.AUTH as Fetcher | undefined;
  const url = new URL(config.JWT_JWKS_URL ?? "http://auth.internal/api/v1/auth/.well-known/jwks.json");
  return createRemoteJWKSet(url, {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    ...(config.JWT_JWKS_URL || !auth ? {} : { [customFetch]: (input: string, init: RequestInit) => auth.fetch(new Request(input, init)) }),
  });
}

/**
 * Checks the access token of routes that need a user before the request leaves the edge, so a
 * forged or expired token costs no worker a thing. The workers still verify it themselves.
 */
export const edgeAuth: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!needsUser(c.req.method, c.req.path)) return next();
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Send an access token: Authorization: Bearer <token>.");
  let verify = verifiers.get(c.var.config);
  if (!verify) {
    const config = c.var.config;
    verify = createAccessTokenVerifier(keysFor(c.env, config), { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    verifiers.set(config, verify);
  }
  await verify(match[1]);
  await next();
};
