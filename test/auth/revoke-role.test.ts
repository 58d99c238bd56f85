import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";
import { expectAdminOnly } from "../support/security";

const { call, db, newUser, newAdmin, rolesInDb, refusedCallers } = useAuthWorker();

const grant = (id: string, role: string, token?: string) => call("PUT", `/api/v1/auth/users/${id}/roles/${role}`, { token });
const revoke = (id: string, role: string, token?: string) =>
  call("DELETE", `/api/v1/auth/users/${id}/roles/${role}`, { token });

describe("happy", () => {
  it("an admin revokes a role", async () => {
    const admin = await newAdmin();
    const { user } = await newUser();
    await grant(user.id, "admin", admin.accessToken);
    const res = await revoke(user.id, "admin", admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data.roles).toEqual(["customer"]);
    expect(await rolesInDb(user.id)).toEqual(["customer"]);
  });
});

describe("errors", () => {
  it("the last admin cannot lose admin (409 INVALID_STATE)", async () => {
    await db.sql()`delete from user_roles where role = 'admin'`;
    const admin = await newAdmin();
    const res = await revoke(admin.user.id, "admin", admin.accessToken);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("INVALID_STATE");
    expect(await rolesInDb(admin.user.id)).toEqual(["admin", "customer"]);
  });

  it("two admins demoting each other at once leave one admin", async () => {
    await db.sql()`delete from user_roles where role = 'admin'`;
    const a = await newAdmin();
    const b = await newAdmin();
    const results = await Promise.all([revoke(b.user.id, "admin", a.accessToken), revoke(a.user.id, "admin", b.accessToken)]);
    // The loser is refused as the last admin (409), or, when the winner's change is already
    // committed, as no longer an admin at all (403: admin powers are checked live).
    const statuses = results.map((r) => r.status).sort();
    expect([[200, 403], [200, 409]]).toContainEqual(statuses);
    const [admins] = await db.sql()`select count(*)::int as n from user_roles where role = 'admin'`;
    expect(admins?.n).toBe(1);
  });
});

describe("security", () => {
  it("no token, an expired or forged one, or a customer's: refused, and the admin keeps admin", async () => {
    const admin = await newAdmin();
    await expectAdminOnly((token) => revoke(admin.user.id, "admin", token), await refusedCallers(), () => rolesInDb(admin.user.id));
  });
});
