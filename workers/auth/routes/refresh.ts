import { createRoute } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors";
import { dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import type { AuthApp } from "../app";
import { issueAccessToken } from "../domain/access-tokens";
import { rotateRefreshToken } from "../domain/sessions";
import { findUser } from "../domain/users";
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
  app.openapi(route, async (c) => {
    const { config, db } = c.var;
    const { userId, refreshToken } = await rotateRefreshToken(db, c.req.valid("json").refreshToken);
    const user = await findUser(db, userId);
    if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists.");
    const accessToken = await issueAccessToken(config, user);
    return c.json(
      { data: { accessToken, refreshToken, tokenType: "Bearer" as const, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS } },
      200,
    );
  });
}
