import { createRoute, z } from "@hono/zod-openapi";
import { dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { logIn } from "../domain/sessions";
import type { AuthApp } from "../env";
import { Email, Password, TokenPair } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["Auth"],
  summary: "Exchange email and password for an access and a refresh token",
  // The gateway holds this route to its stricter login limits (per client, and per client and email).
  "x-rate-limit": "login",
  request: { body: jsonBody(z.object({ email: Email, password: Password })) },
  responses: {
    200: dataResponse(TokenPair, "A new session"),
    ...errorResponses(400, 401, 415),
  },
});

export function registerLogin(app: AuthApp) {
  app.openapi(route, async (c) => {
    const { email, password } = c.req.valid("json");
    return c.json({ data: await logIn(c.var.db, c.var.config, email, password) }, 200);
  });
}
