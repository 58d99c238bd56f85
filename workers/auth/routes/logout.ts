import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody } from "../../../shared/http/openapi";
import type { AuthApp } from "../env";
import { endSession } from "../domain/sessions";
import { RefreshTokenBody } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  tags: ["Auth"],
  summary: "End the session a refresh token belongs to",
  request: { body: jsonBody(RefreshTokenBody) },
  responses: {
    204: { description: "The session is revoked (also when the token was unknown)" },
    ...errorResponses(400, 415),
  },
});

export function registerLogout(app: AuthApp) {
  app.openapi(route, async (c) => {
    await endSession(c.var.db, c.req.valid("json").refreshToken);
    return c.body(null, 204);
  });
}
