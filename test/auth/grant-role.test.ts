import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";
import { expectAdminOnly } from "../support/security";

const { call, newUser, newAdmin, rolesInDb, refusedCallers } = useAuthWorker();

const grant = (id: string, role: string, token?: string) => call("PUT", `/api/v1/auth/users/${id}/roles/${role}`, { token });

describe("happy", () => {
  it("an admin grants admin; granting again changes nothing", async () => {
    const admin = await newAdmin();
    const { user } = await newUser();
    const res = await grant(user.id, "admin", admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: user.id, roles: ["admin", "customer"] });
    expect((await grant(user.id, "admin", admin.accessToken)).status).toBe(200);
    expect(await rolesInDb(user.id)).toEqual(["admin", "customer"]);
  });
});

describe("errors", () => {
  it("an unknown user or role is 404; a malformed id is 400", async () => {
    const admin = await newAdmin();
    const unknownUser = await grant(crypto.randomUUID(), "admin", admin.accessToken);
    const unknownRole = await grant(admin.user.id, "pilot", admin.accessToken);
    const badId = await grant("42", "admin", admin.accessToken);
    expect([unknownUser.status, unknownRole.status, badId.status]).toEqual([404, 404, 400]);
    expect(unknownRole.body.error.code).toBe("NOT_FOUND");
    expect(badId.body.error.details[0].path).toBe("params.id");
  });
});

describe("security", () => {
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

  it("an expired token or a customer's token edited to claim admin is 401, and no role is granted", async () => {
    const { user } = await newUser();
    await expectAdminOnly((token) => grant(user.id, "admin", token), await refusedCallers(), () => rolesInDb(user.id));
  });
});
