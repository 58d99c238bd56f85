import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { AccessTokenVerifier, Principal, Role } from "./tokens";

/** Variables a worker provides (verifyAccessToken) and the auth middleware fills in (principal). */
export interface AuthVariables {
  verifyAccessToken: AccessTokenVerifier;
  principal: Principal;
}

type AuthMiddleware = MiddlewareHandler<{ Variables: AuthVariables }>;

/** The token of an `Authorization: Bearer <token>` header; without one, UNAUTHENTICATED. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Send an access token: Authorization: Bearer <token>.");
  return match[1];
}

/** Requires `Authorization: Bearer <access token>` and exposes the caller as `c.var.principal`. */
export const requireUser: AuthMiddleware = async (c, next) => {
  c.set("principal", await c.var.verifyAccessToken(bearerToken(c.req.header("authorization"))));
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
