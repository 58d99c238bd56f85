import { z } from "zod";
import { tokenVerificationConfig } from "../../shared/auth/config";
import { env } from "../../shared/config";

export const GatewayConfigSchema = z.object({
  DATABASE_URL: env.url(),
  UPSTREAM_TIMEOUT_MS: env.int(100, 60_000, 10_000),
  HEALTH_TIMEOUT_MS: env.int(100, 30_000, 2_000),
  /** Requests per minute per client for the whole API, and the stricter login and signup limits. */
  RATE_LIMIT_API: env.int(1, 1_000_000, 1200),
  RATE_LIMIT_LOGIN: env.int(1, 10_000, 10),
  RATE_LIMIT_SIGNUP: env.int(1, 10_000, 20),
  MAX_BODY_BYTES: env.int(1_024, 10 * 1024 * 1024, 64 * 1024),
  /** Comma list of origins allowed by CORS, or * (tokens travel in a header, not cookies). */
  CORS_ORIGINS: env.string("*"),
  // Edge token checks: the public keys inline, a JWKS URL, or (neither set) the auth worker's JWKS
  // fetched through its service binding.
  ...tokenVerificationConfig,
});

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** The workers behind the gateway: the binding that reaches each, and the paths it serves. */
export const upstreams = [
  { name: "auth", binding: "AUTH", prefixes: ["/api/v1/auth"] },
  {
    name: "search",
    binding: "SEARCH",
    prefixes: ["/api/v1/cities", "/api/v1/airports", "/api/v1/airplanes", "/api/v1/flights", "/api/v1/itineraries"],
  },
  { name: "booking", binding: "BOOKING", prefixes: ["/api/v1/bookings"] },
] as const;

/** Routes that need a signed-in caller: checked at the edge before the request travels on. */
export function needsUser(method: string, path: string): boolean {
  if (path.startsWith("/api/v1/bookings")) return true;
  if (path === "/api/v1/auth/me" || path.startsWith("/api/v1/auth/users/")) return true;
  const catalog = ["/api/v1/cities", "/api/v1/airports", "/api/v1/airplanes", "/api/v1/flights"];
  return method !== "GET" && method !== "HEAD" && catalog.some((p) => path === p || path.startsWith(`${p}/`));
}
