import * as z from "zod";
import { tokenVerificationConfig } from "../../shared/auth/config";
import { env } from "../../shared/config";
import { parseProxyRange } from "./client-address";

export const GatewayConfigSchema = z.object({
  UPSTREAM_TIMEOUT_MS: env.int(100, 60_000, 10_000),
  HEALTH_TIMEOUT_MS: env.int(100, 30_000, 2_000),
  /**
   * Requests per minute per client for the whole API, and the stricter limits: logins per client
   * and email, logins per client (whatever the email), signups per client.
   */
  RATE_LIMIT_API: env.int(1, 1_000_000, 1200),
  RATE_LIMIT_LOGIN: env.int(1, 1_000_000, 10),
  RATE_LIMIT_LOGIN_CLIENT: env.int(1, 1_000_000, 30),
  RATE_LIMIT_SIGNUP: env.int(1, 1_000_000, 20),
  /** Deployed on Cloudflare: CF-Connecting-IP is set by Cloudflare's edge, so it names the client. */
  TRUST_CF_CONNECTING_IP: env.bool(false),
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: env.list(parseProxyRange, "an IP address or CIDR range"),
  MAX_BODY_BYTES: env.int(1_024, 10 * 1024 * 1024, 64 * 1024),
  /** Comma list of origins allowed by CORS, or * (tokens travel in a header, not cookies). */
  CORS_ORIGINS: env.string("*"),
  // Edge token checks: the public keys inline, a JWKS URL, or (neither set) the auth worker's JWKS
  // fetched through its service binding.
  ...tokenVerificationConfig,
});

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
