import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { revokeRole } from "../domain/users";
import type { AuthApp } from "../env";
import { RoleParams, UserRoles } from "../schemas";

const route = createRoute({
  method: "delete",
  path: "/api/v1/auth/users/{id}/roles/{role}",
  tags: ["Auth"],
  summary: "Revoke a role (admin); the last admin keeps admin",
  ...adminOnly,
  request: { params: RoleParams },
  responses: {
    200: dataResponse(UserRoles, "The user's roles after the revocation"),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerRevokeRole(app: AuthApp) {
  app.openapi(route, async (c) => {
    const { id, role } = c.req.valid("param");
    const user = await revokeRole(c.var.db, id, role);
    return c.json({ data: { id: user.id, roles: user.roles } }, 200);
  });
}
