import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Queryable } from "../../db/client";
import { AppError } from "../errors";
import type { AccessTokenVerifier, Principal, Role } from "./tokens";

/** Variables a worker provides (verifyAccessToken, db) and the auth middleware fills in (principal). */
export interface AuthVariables {
  verifyAccessToken: AccessTokenVerifier;
  principal: Principal;
}

type AuthMiddleware = MiddlewareHandler<{ Variables: AuthVariables & { db: Queryable } }>;

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

/**
 * Requires an authenticated caller holding `role`: 401 without a valid token, 403 without the role.
 * For `admin` the role and the token's session are checked live in the database (confirmAdmin), so
 * a revoked admin role or an ended session stops admin actions at once, not when the token expires.
 */
export function requireRole(role: Role): AuthMiddleware {
  return async (c, next) =>
    requireUser(c, async () => {
      if (!c.var.principal.roles.includes(role)) throw new AppError("FORBIDDEN", `This needs the ${role} role.`);
      if (role === "admin") await confirmAdmin(c.var.db, c.var.principal);
      await next();
    });
}

/**
 * An admin action's live check: the caller's token must belong to a session that has not ended, and
 * the caller must hold `admin` now. Access tokens are otherwise stateless (customers are trusted
 * for the token's life, ACCESS_TOKEN_TTL_SECONDS); admin powers are not.
 */
export async function confirmAdmin(db: Queryable, principal: Principal): Promise<void> {
  const [live] = await db.execute<{ admin: boolean; session: boolean }>(sql`
    select
      exists (select 1 from user_roles where user_id = ${principal.userId} and role = 'admin') as admin,
      exists (select 1 from sessions where id = ${principal.sessionId ?? null}::uuid and user_id = ${principal.userId}
              and revoked_at is null and expires_at > now()) as session`);
  if (!live?.session) throw new AppError("UNAUTHENTICATED", "This session has ended; log in again.");
  if (!live.admin) throw new AppError("FORBIDDEN", "This needs the admin role.");
}
