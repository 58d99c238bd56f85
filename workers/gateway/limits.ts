import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../shared/errors";
import { type RateDecision, RateLimiter } from "../../shared/http/rate-limit";
import { clientAddress } from "./client-address";
import type { GatewayConfig } from "./config";
import type { GatewayEnv } from "./env";
import type { StrictLimit } from "./routes";

const MINUTE = 60_000;

interface Limiters {
  api: RateLimiter;
  login: RateLimiter;
  loginClient: RateLimiter;
  signup: RateLimiter;
}

// One set per configuration, for the life of the process or isolate (the config object is cached
// per env by parseConfig, so this is one set per deployment).
const limiters = new WeakMap<GatewayConfig, Limiters>();

function limitersFor(config: GatewayConfig): Limiters {
  let set = limiters.get(config);
  if (!set) {
    set = {
      api: new RateLimiter(config.RATE_LIMIT_API, MINUTE),
      login: new RateLimiter(config.RATE_LIMIT_LOGIN, MINUTE),
      loginClient: new RateLimiter(config.RATE_LIMIT_LOGIN_CLIENT, MINUTE),
      signup: new RateLimiter(config.RATE_LIMIT_SIGNUP, MINUTE),
    };
    limiters.set(config, set);
  }
  return set;
}

const clientOf = (c: Context<GatewayEnv>) => clientAddress(c, c.var.config.TRUST_CF_CONNECTING_IP, c.var.config.TRUSTED_PROXIES);

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

function refuse(decision: RateDecision): never {
  throw new AppError("RATE_LIMITED", "Too many requests; slow down and retry after the time given.", {
    headers: { ...headers(decision), "Retry-After": String(decision.retryAfterSeconds) },
  });
}

/** The decision with the least room left: what the RateLimit-* headers report. */
const tightest = (decisions: RateDecision[]) => decisions.reduce((a, b) => (b.remaining < a.remaining ? b : a));

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
 * client and email and per client whatever the email (each try costs a bcrypt check), signup per
 * client. In-process like the API limit: exact per Node process, per isolate on Cloudflare (see
 * docs/architecture.md).
 */
export function strictRateLimit(limit: StrictLimit): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const all = limitersFor(c.var.config);
    const client = clientOf(c);
    const decisions =
      limit === "login"
        ? [all.loginClient.take(`login:${client}`), all.login.take(`login:${client}:${await emailOf(c)}`)]
        : [all.signup.take(`signup:${client}`)];
    const refused = decisions.find((d) => !d.allowed);
    if (refused) refuse(refused);
    await next();
    for (const [name, value] of Object.entries(headers(tightest(decisions)))) c.res.headers.set(name, value);
  };
}
