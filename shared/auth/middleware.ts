import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { AccessTokenVerifier, Principal, Role } from "./tokens";

/** Variables a worker provides (verifyAccessToken) and the auth middleware fills in (principal). */
export interface AuthVariables {
  verifyAccessToken: AccessTokenVerifier;
  principal: Principal;
}

type AuthMiddleware = MiddlewareHandler<{ Variables: AuthVariables }>;

/** Requires `Authorization: Bearer <access token>` and exposes the caller as `c.var.principal`. */
export const requireUser: AuthMiddleware = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Send an access token: Authorization: Bearer <token>.");
  c.set("principal", await c.var.verifyAccessToken(match[1]));
  await next();
};

/** Requires an authenticated caller holding `role`: 401 without a valid token, 403 without the role. */
export function requireRole(role: Role): AuthMiddleware {
  return async (c, next) =>
    requireUser(c, async () => {
      if (!c.var.principal.roles.includes(role)) throw new AppError("FORBIDDEN", `This needs the ${role} role.`);
      await next();
    });
}
