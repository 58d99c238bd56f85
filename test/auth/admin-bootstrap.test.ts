import { describe, expect, it } from "vitest";
import { createDatabase } from "../../db/client";
import { ensureAdmin } from "../../workers/auth/domain/users";
import { PASSWORD, useAuthWorker } from "../support/auth";

const { db, call, logIn, signUp } = useAuthWorker();

describe("ensureAdmin (ADMIN_EMAIL / ADMIN_PASSWORD at start-up)", () => {
  it("creates the admin once; a second start changes nothing", async () => {
    const database = createDatabase(db.url());
    const first = await ensureAdmin(database, { email: "root@example.com", password: PASSWORD, name: "Administrator" }, 4);
    const second = await ensureAdmin(database, { email: "root@example.com", password: PASSWORD, name: "Administrator" }, 4);
    expect(first).toEqual(second);
    expect(first.roles).toEqual(["admin", "customer"]);
    expect(second.tookOver).toBe(false);
    const tokens = await logIn("root@example.com");
    expect(tokens.accessToken).toBeTruthy();
  });

  it("an account signed up first under ADMIN_EMAIL is taken over: its password and sessions are gone, never promoted as it was", async () => {
    // The attacker signs up the address the operator will configure, and keeps a session.
    const attacker = await signUp("operator@example.com", "attackers password");
    const attackerSession = await logIn(attacker.email, "attackers password");
    const admin = await ensureAdmin(createDatabase(db.url()), { email: attacker.email, password: PASSWORD, name: "Administrator" }, 4);
    expect(admin.id).toBe(attacker.id);
    expect(admin.tookOver).toBe(true);
    expect(admin.roles).toContain("admin");
    // The attacker's password and refresh token are dead; the operator's password works.
    await expect(logIn(attacker.email, "attackers password")).rejects.toThrow(/401/);
    const refreshed = await call("POST", "/api/v1/auth/refresh", { body: { refreshToken: attackerSession.refreshToken } });
    expect(refreshed.status).toBe(401);
    const [live] = await db.sql()`select count(*)::int as n from sessions where user_id = ${attacker.id} and revoked_at is null`;
    expect(live?.n).toBe(0);
    const operator = await logIn(attacker.email, PASSWORD);
    const me = await call("GET", "/api/v1/auth/me", { token: operator.accessToken });
    expect(me.body.data.roles).toEqual(["admin", "customer"]);
    // Started again with the same settings: nothing more is taken over.
    const again = await ensureAdmin(createDatabase(db.url()), { email: attacker.email, password: PASSWORD, name: "Administrator" }, 4);
    expect(again.tookOver).toBe(false);
    expect((await call("GET", "/api/v1/auth/me", { token: operator.accessToken })).status).toBe(200);
  });
});
