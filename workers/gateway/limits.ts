import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../shared/errors";
import { type RateDecision, RateLimiter } from "../../shared/http/rate-limit";
import type { GatewayEnv } from "./app";
import type { GatewayConfig } from "./config";

const MINUTE = 60_000;

// Limiters live as long as the process or isolate; rebuilt if the configured limits change.
let limiters: { key: string; api: RateLimiter; login: RateLimiter; signup: RateLimiter } | undefined;

function limitersFor(config: GatewayConfig) {
  const key = `${config.RATE_LIMIT_API}/${config.RATE_LIMIT_LOGIN}/${config.RATE_LIMIT_SIGNUP}`;
  if (limiters?.key !== key) {
    limiters = {
      key,
      api: new RateLimiter(config.RATE_LIMIT_API, MINUTE),
      login: new RateLimiter(config.RATE_LIMIT_LOGIN, MINUTE),
      signup: new RateLimiter(config.RATE_LIMIT_SIGNUP, MINUTE),
    };
  }
  return limiters;
}

/** The client as Cloudflare (CF-Connecting-IP) or a proxy (X-Forwarded-For) reports it. */
export function clientOf(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "local";
}

async function emailOf(c: Context): Promise<string> {
  try {
    const body = (await c.req.json()) as { email?: unknown };
    return typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  } catch {
    return "";
  }
}

function headers(decision: RateDecision): Record<string, string> {
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(decision.resetSeconds),
  };
}

/**
 * Per-client limits with the RateLimit-* headers on every answer: the whole API, plus stricter
 * ones for login (per client and email) and signup (per client). Past a limit: 429 RATE_LIMITED
 * with Retry-After.
 */
export const rateLimits: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!c.req.path.startsWith("/api/")) return next();
  const all = limitersFor(c.var.config);
  const client = clientOf(c);
  let decision = all.api.take(`api:${client}`);
  if (decision.allowed && c.req.method === "POST" && c.req.path === "/api/v1/auth/login") {
    decision = all.login.take(`login:${client}:${await emailOf(c)}`);
  } else if (decision.allowed && c.req.method === "POST" && c.req.path === "/api/v1/auth/signup") {
    decision = all.signup.take(`signup:${client}`);
  }
  if (!decision.allowed) {
    throw new AppError("RATE_LIMITED", "Too many requests; slow down and retry after the time given.", {
      headers: { ...headers(decision), "Retry-After": String(decision.retryAfterSeconds) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers(decision))) c.res.headers.set(name, value);
};
