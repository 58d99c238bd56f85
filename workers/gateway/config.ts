import * as z from "zod";
import { tokenVerificationConfig } from "../../shared/auth/config";
import { env } from "../../shared/config";

export const GatewayConfigSchema = z.object({
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
