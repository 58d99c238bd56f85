import { beforeAll } from "vitest";
import { generateSigningKey } from "../../scripts/lib/keys";
import auth from "../../workers/auth/index";
import { clientFor } from "./client";
import { useTestDatabase } from "./database";
import type { RefusedCallers } from "./security";
import { nowSeconds, signAccessToken, validClaims, withEditedClaims } from "./tokens";

export const PASSWORD = "correct horse battery";

/**
 * The auth worker over a database of the test file's own, called in-process. bcrypt runs at its
 * minimum cost here: the tests are about behaviour, not about the hash's strength.
 */
export function useAuthWorker() {
  const db = useTestDatabase();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    Object.assign(env, {
      DATABASE_URL: db.url(),
      JWT_PRIVATE_JWK: JSON.stringify(await generateSigningKey()),
      BCRYPT_COST: "4",
    });
  });
  const call = clientFor(auth, () => env);
  let counter = 0;

  async function signUp(email = `user${++counter}-${crypto.randomUUID().slice(0, 6)}@example.com`, password = PASSWORD) {
    const res = await call("POST", "/api/v1/auth/signup", { body: { email, password, name: "Test User" } });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
    return res.body.data as { id: string; email: string; name: string; roles: string[] };
  }

  async function logIn(email: string, password = PASSWORD) {
    const res = await call("POST", "/api/v1/auth/login", { body: { email, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res.body.data as { accessToken: string; refreshToken: string; expiresIn: number };
  }

  /** A signed-up, logged-in user. */
  async function newUser() {
    const user = await signUp();
    return { user, ...(await logIn(user.email)) };
  }

  /** A user given `admin` directly in the database, then logged in (so the token carries the role). */
  async function newAdmin() {
    const user = await signUp();
    await db.sql()`insert into user_roles (user_id, role) values (${user.id}, 'admin')`;
    return { user, ...(await logIn(user.email)) };
  }

  const refresh = (refreshToken: string) => call("POST", "/api/v1/auth/refresh", { body: { refreshToken } });

  /** A user's roles as stored, in order. */
  const rolesInDb = async (userId: string) =>
    (await db.sql()`select role from user_roles where user_id = ${userId} order by role`).map((r) => r.role);

  /** A new customer's token, and an expired and a forged one of theirs, for a route's security cases. */
  async function refusedCallers(): Promise<RefusedCallers> {
    const { user, accessToken } = await newUser();
    const expiredClaims = { ...validClaims(user.id), iat: nowSeconds() - 3600, exp: nowSeconds() - 60 };
    return {
      customer: accessToken,
      expired: await signAccessToken(env.JWT_PRIVATE_JWK!, expiredClaims),
      forged: withEditedClaims(accessToken, { roles: ["admin", "customer"] }),
    };
  }

  return { db, env, call, signUp, logIn, newUser, newAdmin, refresh, rolesInDb, refusedCallers };
}
