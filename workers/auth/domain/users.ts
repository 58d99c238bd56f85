import { and, eq, sql } from "drizzle-orm";
import { hashPassword, verifyPassword } from "#password";
import type { Database, Queryable } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { roles, sessions, userRoles, users } from "../../../db/schema";
import { AppError, notFound } from "../../../shared/errors";

export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: string[];
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
}

/** Creates an account with the `customer` role. Emails arrive lower-cased from validation. */
export async function registerCustomer(db: Database, input: NewUser, bcryptCost: number): Promise<UserView> {
  const passwordHash = await hashPassword(input.password, bcryptCost);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash })
        .returning({ id: users.id, email: users.email, name: users.name });
      if (!user) throw new Error("insert returned no row");
      await tx.insert(userRoles).values({ userId: user.id, role: "customer" });
      return { ...user, roles: ["customer"] };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("EMAIL_TAKEN", "An account with this email already exists.");
    throw err;
  }
}

// JSON rather than text[]: in workerd postgres.js runs without fetch_types, so it cannot parse arrays.
const rolesOf = sql<string[]>`coalesce(
  (select json_agg(${userRoles.role} order by ${userRoles.role}) from ${userRoles} where ${userRoles.userId} = ${users.id}),
  '[]'::json)`;

export async function findUserByEmail(db: Queryable, email: string) {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash, roles: rolesOf })
    .from(users)
    .where(eq(users.email, email));
  return user;
}

export async function findUser(db: Queryable, id: string): Promise<UserView | undefined> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, roles: rolesOf })
    .from(users)
    .where(eq(users.id, id));
  return user;
}

async function requireRoleExists(db: Queryable, role: string) {
  const [found] = await db.select({ name: roles.name }).from(roles).where(eq(roles.name, role));
  if (!found) throw notFound(`Role '${role}'`);
}

/** Gives a user a role; granting one they already hold changes nothing. */
export async function grantRole(db: Database, userId: string, role: string): Promise<UserView> {
  await requireRoleExists(db, role);
  const user = await findUser(db, userId);
  if (!user) throw notFound("User");
  await db.insert(userRoles).values({ userId, role }).onConflictDoNothing();
  return (await findUser(db, userId)) as UserView;
}

/**
 * Takes a role away. The last admin cannot lose `admin`: the admin rows are locked first, so two
 * admins demoting each other at once cannot leave the system with none.
 */
export async function revokeRole(db: Database, userId: string, role: string): Promise<UserView> {
  await requireRoleExists(db, role);
  return db.transaction(async (tx) => {
    const user = await findUser(tx, userId);
    if (!user) throw notFound("User");
    if (role === "admin" && user.roles.includes("admin")) {
      const admins = await tx.select({ userId: userRoles.userId }).from(userRoles).where(eq(userRoles.role, "admin")).for("update");
      if (admins.length <= 1) throw new AppError("INVALID_STATE", "The last admin cannot lose the admin role.");
    }
    await tx.delete(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)));
    return (await findUser(tx, userId)) as UserView;
  });
}

/**
 * Start-up bootstrap: makes sure ADMIN_EMAIL exists, holds `admin`, and signs in with
 * ADMIN_PASSWORD. Start-up never promotes an account it cannot prove is the operator's: when the
 * email already belongs to an account with another password (someone signed it up first, or the
 * operator changed ADMIN_PASSWORD), that account is taken over: its password becomes ADMIN_PASSWORD
 * and every one of its sessions ends, in the same transaction that grants `admin`.
 */
export async function ensureAdmin(db: Database, input: NewUser, bcryptCost: number): Promise<UserView & { tookOver: boolean }> {
  const existing = await findUserByEmail(db, input.email);
  const user = existing ?? (await registerCustomer(db, input, bcryptCost).catch(async (err) => {
    // Another starter created it between our read and insert.
    if (err instanceof AppError && err.code === "EMAIL_TAKEN") return (await findUserByEmail(db, input.email))!;
    throw err;
  }));
  const operators = existing === undefined || (await verifyPassword(input.password, existing.passwordHash));
  if (!operators) {
    const passwordHash = await hashPassword(input.password, bcryptCost);
    await db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      await tx.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.userId, user.id), sql`${sessions.revokedAt} is null`));
      await tx.insert(userRoles).values({ userId: user.id, role: "admin" }).onConflictDoNothing();
    });
  }
  return { ...(await grantRole(db, user.id, "admin")), tookOver: !operators };
}
