import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { grantRole } from "../domain/users";
import type { AuthApp } from "../env";
import { RoleParams, UserRoles } from "../schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/auth/users/{id}/roles/{role}",
  tags: ["Auth"],
  summary: "Grant a role (admin)",
  ...adminOnly,
  request: { params: RoleParams },
  responses: {
    200: dataResponse(UserRoles, "The user's roles after the grant"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerGrantRole(app: AuthApp) {
  app.openapi(route, async (c) => {
    const { id, role } = c.req.valid("param");
    const user = await grantRole(c.var.db, id, role);
    return c.json({ data: { id: user.id, roles: user.roles } }, 200);
  });
}
