import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import type { MiddlewareHandler } from "hono";
import { bearerToken } from "../../shared/auth/middleware";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "../../shared/auth/tokens";
import type { Fetcher } from "../../shared/worker";
import type { GatewayConfig } from "./config";
import type { GatewayEnv } from "./env";

const verifiers = new WeakMap<object, AccessTokenVerifier>();

/**
 * The key set: inline keys or a JWKS URL when configured, otherwise the auth worker's JWKS through
 * its service binding. jose caches it and refetches when a token names a kid it has not seen.
 */
function keysFor(env: Record<string, unknown>, config: GatewayConfig): JWTVerifyGetKey {
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
 * On the routes that need a signed-in caller, checks the access token before the request leaves
 * the edge, so a forged or expired token costs no worker a thing. The workers still verify it.
 */
export const edgeAuth: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const config = c.var.config;
  let verify = verifiers.get(config);
  if (!verify) {
    verify = createAccessTokenVerifier(keysFor(c.env, config), { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    verifiers.set(config, verify);
  }
  await verify(token);
  await next();
};
