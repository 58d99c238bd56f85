import { z } from "@hono/zod-openapi";

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email({ error: "must be an email address" })
  .openapi({ example: "asha@example.com" });

/** bcrypt reads only the first 72 bytes of a password, so longer ones are refused, not truncated. */
export const Password = z
  .string()
  .min(8, { error: "must be at least 8 characters" })
  .refine((p) => utf8Bytes(p) <= 72, { error: "must be at most 72 bytes in UTF-8 (bcrypt ignores anything longer)" })
  .openapi({ example: "correct horse battery" });

export const RoleName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: "must be a role name" });

export const UserId = z.uuid({ error: "must be a UUID" });

export const RoleParams = z.object({ id: UserId, role: RoleName });
export const UserRoles = z.object({ id: z.uuid(), roles: z.array(z.string()) }).openapi("UserRoles");

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
  })
  .openapi("User");

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
  })
  .openapi("TokenPair");

export const RefreshTokenBody = z.object({ refreshToken: z.string().min(1).max(512) });
