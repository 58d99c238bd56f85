import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses } from "../../../shared/http/openapi";
import type { AuthApp } from "../app";
import { grantRole, revokeRole } from "../domain/users";
import { RoleName, UserId } from "../schemas";

const params = z.object({ id: UserId, role: RoleName });
const UserRoles = z.object({ id: z.uuid(), roles: z.array(z.string()) }).openapi("UserRoles");

const grant = createRoute({
  method: "put",
  path: "/api/v1/auth/users/{id}/roles/{role}",
  tags: ["Auth"],
  summary: "Grant a role (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { params },
  responses: {
    200: dataResponse(UserRoles, "The user's roles after the grant"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/api/v1/auth/users/{id}/roles/{role}",
  tags: ["Auth"],
  summary: "Revoke a role (admin); the last admin keeps admin",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { params },
  responses: {
    200: dataResponse(UserRoles, "The user's roles after the revocation"),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerRoleRoutes(app: AuthApp) {
  app.openapi(grant, async (c) => {
    const { id, role } = c.req.valid("param");
    const user = await grantRole(c.var.db, id, role);
    return c.json({ data: { id: user.id, roles: user.roles } }, 200);
  });
  app.openapi(revoke, async (c) => {
    const { id, role } = c.req.valid("param");
    const user = await revokeRole(c.var.db, id, role);
    return c.json({ data: { id: user.id, roles: user.roles } }, 200);
  });
}
