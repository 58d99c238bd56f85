import publicApi from "./public-api.json" with { type: "json" };

/**
 * The gateway's routing table, read from the public API document that `npm run openapi` generates
 * from the workers' own route definitions (scripts/lib/openapi.ts): which worker serves each
 * operation, whether it needs a signed-in caller (its OpenAPI `security`), and which stricter rate
 * limit applies (`x-rate-limit`). Adding a route to a worker is all it takes to route it here.
 */

/** The workers behind the gateway, and the binding (or Node forwarder) that reaches each. */
export const upstreams = { auth: "AUTH", search: "SEARCH", booking: "BOOKING" } as const;
export type Upstream = keyof typeof upstreams;

export type StrictLimit = "login" | "signup";

export interface UpstreamRoute {
  method: string;
  /** Hono's syntax: /api/v1/bookings/:id */
  path: string;
  upstream: Upstream;
  signedIn: boolean;
  strictLimit?: StrictLimit;
}

interface Operation {
  "x-worker": Upstream;
  "x-rate-limit"?: StrictLimit;
  security?: unknown[];
}

export const publicApiDocument = publicApi;

export const upstreamRoutes: UpstreamRoute[] = Object.entries(publicApi.paths as Record<string, Record<string, Operation>>).flatMap(
  ([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{([^}]+)\}/g, ":$1"),
      upstream: operation["x-worker"],
      signedIn: (operation.security?.length ?? 0) > 0,
      strictLimit: operation["x-rate-limit"],
    })),
);
