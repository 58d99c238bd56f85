import { createRoute, z } from "@hono/zod-openapi";
import { dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import type { AuthApp } from "../env";
import { registerCustomer } from "../domain/users";
import { Email, Password, User } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/signup",
  tags: ["Auth"],
  summary: "Create an account (role customer)",
  // The gateway holds this route to its stricter signup limit (per client).
  "x-rate-limit": "signup",
  request: {
    body: jsonBody(
      z.object({
        email: Email,
        password: Password,
        name: z.string().trim().min(1).max(100).openapi({ example: "Asha Rao" }),
      }),
    ),
  },
  responses: {
    201: dataResponse(User, "The new account"),
    ...errorResponses(400, 409, 415),
  },
});

export function registerSignup(app: AuthApp) {
  app.openapi(route, async (c) => {
    const user = await registerCustomer(c.var.db, c.req.valid("json"), c.var.config.BCRYPT_COST);
    return c.json({ data: user }, 201);
  });
}
