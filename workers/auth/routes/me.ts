import { createRoute } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors";
import { dataResponse, errorResponses, signedIn } from "../../../shared/http/openapi";
import type { AuthApp } from "../env";
import { findUser } from "../domain/users";
import { User } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/me",
  tags: ["Auth"],
  summary: "The caller's account",
  ...signedIn,
  responses: {
    200: dataResponse(User, "The caller"),
    ...errorResponses(401),
  },
});

export function registerMe(app: AuthApp) {
  app.openapi(route, async (c) => {
    const user = await findUser(c.var.db, c.var.principal.userId);
    if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists.");
    return c.json({ data: user }, 200);
  });
}
