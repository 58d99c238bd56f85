import { createAuthApp } from "../../workers/auth/app";
import { createBookingApp } from "../../workers/booking/app";
import { createSearchApp } from "../../workers/search/app";

type Document = ReturnType<ReturnType<typeof createAuthApp>["getOpenAPI31Document"]>;

/** Where the gateway reads the document (it serves it, and routes by it). */
export const PUBLIC_API_FILE = "workers/gateway/public-api.json";

/**
 * One OpenAPI 3.1 document for the whole public API, generated from the route definitions (and so
 * from the very zod schemas that validate requests) of every worker behind the gateway. Each
 * operation names the worker that serves it (`x-worker`): the gateway's routing table, and its
 * `security` which routes need a signed-in caller, come from here, never from a list of its own.
 */
export function buildPublicApiDocument(): Document {
  const info = { title: "Airline booking API", version: "1.0.0", description: "Flight search, seat booking and payments." };
  const workers = { auth: createAuthApp(), search: createSearchApp(), booking: createBookingApp() };
  const merged: Document = {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    paths: {},
    components: {
      schemas: {},
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
  for (const [worker, app] of Object.entries(workers)) {
    const part = app.getOpenAPI31Document({ openapi: "3.1.0", info });
    for (const [path, item] of Object.entries(part.paths ?? {})) {
      // One path may be served by several workers, one method each (GET /flights/{id} by search,
      // PATCH by booking); never one method by two.
      const target = (merged.paths![path] ??= {}) as Record<string, unknown>;
      for (const [method, operation] of Object.entries(item)) {
        if (target[method]) throw new Error(`${method.toUpperCase()} ${path} is defined by two workers`);
        target[method] = { ...(operation as object), "x-worker": worker };
      }
    }
    Object.assign(merged.components!.schemas!, part.components?.schemas);
  }
  return merged;
}

/** The document as it is committed: stable, readable JSON. */
export const publicApiJson = () => `${JSON.stringify(buildPublicApiDocument(), null, 2)}\n`;
