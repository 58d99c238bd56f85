import { z } from "zod";
import { env } from "../../shared/config";

export const GatewayConfigSchema = z.object({
  DATABASE_URL: env.url(),
  UPSTREAM_TIMEOUT_MS: env.int(100, 60_000, 10_000),
  HEALTH_TIMEOUT_MS: env.int(100, 30_000, 2_000),
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

export type UpstreamName = (typeof upstreams)[number]["name"];
