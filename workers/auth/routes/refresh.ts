import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { refreshSession } from "../domain/sessions";
import type { AuthApp } from "../env";
import { RefreshTokenBody, TokenPair } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  tags: ["Auth"],
  summary: "Spend a refresh token for a new pair; reusing a spent one revokes the session",
  request: { body: jsonBody(RefreshTokenBody) },
  responses: {
    200: dataResponse(TokenPair, "The next pair of the same session"),
    ...errorResponses(400, 401, 415),
  },
});

export function registerRefresh(app: AuthApp) {
  app.openapi(route, async (c) => c.json({ data: await refreshSession(c.var.db, c.var.config, c.req.valid("json").refreshToken) }, 200));
}
