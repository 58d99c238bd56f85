import { createAuthApp } from "../auth/app";
import { createBookingApp } from "../booking/app";
import { createSearchApp } from "../search/app";

type Document = ReturnType<ReturnType<typeof createAuthApp>["getOpenAPI31Document"]>;

let document: Document | undefined;

/**
 * One OpenAPI 3.1 document for the whole public API, generated from the route definitions (and
 * so from the very zod schemas that validate requests) of every worker behind the gateway.
 */
export function publicApiDocument(): Document {
  if (document) return document;
  const info = { title: "Airline booking API", version: "1.0.0", description: "Flight search, seat booking and payments." };
  const parts = [createAuthApp(), createSearchApp(), createBookingApp()].map((app) =>
    app.getOpenAPI31Document({ openapi: "3.1.0", info }),
  );
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
  for (const part of parts) {
    Object.assign(merged.paths ?? {}, part.paths);
    Object.assign(merged.components?.schemas ?? {}, part.components?.schemas);
  }
  document = merged;
  return document;
}
