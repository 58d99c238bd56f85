import { createRoute, z } from "@hono/zod-openapi";
import { dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import type { AuthApp } from "../app";
import { issueAccessToken } from "../domain/access-tokens";
import { checkCredentials } from "../domain/credentials";
import { startSession } from "../domain/sessions";
import { Email, Password, TokenPair } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["Auth"],
  summary: "Exchange email and password for an access and a refresh token",
  request: { body: jsonBody(z.object({ email: Email, password: Password })) },
  responses: {
    200: dataResponse(TokenPair, "A new session"),
    ...errorResponses(400, 401, 415),
  },
});

export function registerLogin(app: AuthApp) {
  app.openapi(route, async (c) => {
    const { email, password } = c.req.valid("json");
    const { config, db } = c.var;
    const user = await checkCredentials(db, email, password, config.BCRYPT_COST);
    const [accessToken, refreshToken] = await Promise.all([
      issueAccessToken(config, user),
      startSession(db, user.id, config.REFRESH_TOKEN_TTL_DAYS),
    ]);
    return c.json(
      { data: { accessToken, refreshToken, tokenType: "Bearer" as const, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS } },
      200,
    );
  });
}
