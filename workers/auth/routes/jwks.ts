import { createRoute, z } from "@hono/zod-openapi";
import type { AuthApp } from "../env";
import { publishedKeys } from "../domain/access-tokens";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/.well-known/jwks.json",
  tags: ["Auth"],
  summary: "Public keys that verify access tokens",
  responses: {
    200: {
      description: "JWKS (RFC 7517)",
      content: { "application/json": { schema: z.object({ keys: z.array(z.record(z.string(), z.string())) }) } },
    },
  },
});

export function registerJwks(app: AuthApp) {
  app.openapi(route, (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(publishedKeys(c.var.config), 200);
  });
}
