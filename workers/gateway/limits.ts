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

/** A Workers rate-limiting binding: it only says yes or no, counted per location across isolates. */
interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

async function edgeAllows(c: Context<GatewayEnv>, binding: string, key: string): Promise<boolean> {
  const limiter = c.env[binding] as RateLimitBinding | undefined;
  if (!limiter || typeof limiter.limit !== "function") return true;
  return (await limiter.limit({ key })).success;
}

/** The binding refused: nothing says when it will allow again, so a refusal waits out its period. */
const edgeRefusal = (decision: RateDecision): RateDecision => ({ ...decision, allowed: false, remaining: 0, retryAfterSeconds: 60 });

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
 * with Retry-After. At the edge, the login and signup limits are also held by the Workers
 * rate-limiting bindings, when present, across the isolates of a location.
 */
export const rateLimits: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!c.req.path.startsWith("/api/")) return next();
  const all = limitersFor(c.var.config);
  const client = clientOf(c);
  let decision = all.api.take(`api:${client}`);
  if (decision.allowed && c.req.method === "POST" && c.req.path === "/api/v1/auth/login") {
    const key = `login:${client}:${await emailOf(c)}`;
    decision = all.login.take(key);
    if (decision.allowed && !(await edgeAllows(c, "LOGIN_RATE_LIMITER", key))) decision = edgeRefusal(decision);
  } else if (decision.allowed && c.req.method === "POST" && c.req.path === "/api/v1/auth/signup") {
    const key = `signup:${client}`;
    decision = all.signup.take(key);
    if (decision.allowed && !(await edgeAllows(c, "SIGNUP_RATE_LIMITER", key))) decision = edgeRefusal(decision);
  }
  if (!decision.allowed) {
    throw new AppError("RATE_LIMITED", "Too many requests; slow down and retry after the time given.", {
      headers: { ...headers(decision), "Retry-After": String(decision.retryAfterSeconds) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers(decision))) c.res.headers.set(name, value);
};
