import { hashPassword, verifyPassword } from "#password";
import type { Queryable } from "../../../db/client";
import { AppError } from "../../../shared/errors";
import { findUserByEmail, type UserView } from "./users";

// A hash to verify against when the email is unknown, so that case costs one bcrypt verification
// like a wrong password does. Made lazily (Workers forbid randomness at global scope), once per cost.
const dummyHashes = new Map<number, Promise<string>>();

function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword(crypto.randomUUID(), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}

/** Checks an email and password. Unknown email and wrong password are indistinguishable. */
export async function checkCredentials(db: Queryable, email: string, password: string, bcryptCost: number): Promise<UserView> {
  const user = await findUserByEmail(db, email);
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(bcryptCost)));
  if (!user || !matches) throw new AppError("INVALID_CREDENTIALS", "The email or password is wrong.");
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
