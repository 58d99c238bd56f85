import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../shared/errors";
import { type RateDecision, RateLimiter } from "../../shared/http/rate-limit";
import type { GatewayConfig } from "./config";
import type { GatewayEnv } from "./env";
import type { StrictLimit } from "./routes";

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

function refuse(decision: RateDecision): never {
  throw new AppError("RATE_LIMITED", "Too many requests; slow down and retry after the time given.", {
    headers: { ...headers(decision), "Retry-After": String(decision.retryAfterSeconds) },
  });
}

/**
 * The per-client limit of the whole API, with the RateLimit-* headers on every answer (unless a
 * stricter limit of the route set its own). Past it: 429 RATE_LIMITED with Retry-After.
 */
export const apiRateLimit: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!c.req.path.startsWith("/api/")) return next();
  const decision = limitersFor(c.var.config).api.take(`api:${clientOf(c)}`);
  if (!decision.allowed) refuse(decision);
  await next();
  if (c.res.headers.has("RateLimit-Limit")) return;
  for (const [name, value] of Object.entries(headers(decision))) c.res.headers.set(name, value);
};

/**
 * The stricter limits of the routes that name one (`x-rate-limit` in their definition): login per
 * client and email, signup per client. At the edge they are also held by the Workers
 * rate-limiting bindings, when present, across the isolates of a location.
 */
export function strictRateLimit(limit: StrictLimit): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const all = limitersFor(c.var.config);
    const key = limit === "login" ? `login:${clientOf(c)}:${await emailOf(c)}` : `signup:${clientOf(c)}`;
    let decision = all[limit].take(key);
    const binding = limit === "login" ? "LOGIN_RATE_LIMITER" : "SIGNUP_RATE_LIMITER";
    if (decision.allowed && !(await edgeAllows(c, binding, key))) decision = edgeRefusal(decision);
    if (!decision.allowed) refuse(decision);
    await next();
    for (const [name, value] of Object.entries(headers(decision))) c.res.headers.set(name, value);
  };
}
