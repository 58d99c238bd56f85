import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";

const { call, db, newUser, newAdmin } = useAuthWorker();

const grant = (id: string, role: string, token?: string) => call("PUT", `/api/v1/auth/users/${id}/roles/${role}`, { token });
const revoke = (id: string, role: string, token?: string) =>
  call("DELETE", `/api/v1/auth/users/${id}/roles/${role}`, { token });

const rolesInDb = async (id: string) =>
  (await db.sql()`select role from user_roles where user_id = ${id} order by role`).map((r) => r.role);

describe("role management", () => {
  it("an admin grants admin; granting again changes nothing", async () => {
    const admin = await newAdmin();
    const { user } = await newUser();
    const res = await grant(user.id, "admin", admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: user.id, roles: ["admin", "customer"] });
    expect((await grant(user.id, "admin", admin.accessToken)).status).toBe(200);
    expect(await rolesInDb(user.id)).toEqual(["admin", "customer"]);
  });

  it("a customer granting a role is 403 and nothing changes", async () => {
    const customer = await newUser();
    const res = await grant(customer.user.id, "admin", customer.accessToken);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(await rolesInDb(customer.user.id)).toEqual(["customer"]);
  });

  it("without a token is 401", async () => {
    const { user } = await newUser();
    expect((await grant(user.id, "admin")).status).toBe(401);
  });

  it("an unknown user or role is 404; a malformed id is 400", async () => {
    const admin = await newAdmin();
    const unknownUser = await grant(crypto.randomUUID(), "admin", admin.accessToken);
    const unknownRole = await grant(admin.user.id, "pilot", admin.accessToken);
    const badId = await grant("42", "admin", admin.accessToken);
    expect([unknownUser.status, unknownRole.status, badId.status]).toEqual([404, 404, 400]);
    expect(unknownRole.body.error.code).toBe("NOT_FOUND");
    expect(badId.body.error.details[0].path).toBe("params.id");
  });

  it("an admin revokes a role", async () => {
    const admin = await newAdmin();
    const { user } = await newUser();
    await grant(user.id, "admin", admin.accessToken);
    const res = await revoke(user.id, "admin", admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data.roles).toEqual(["customer"]);
    expect(await rolesInDb(user.id)).toEqual(["customer"]);
  });

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
