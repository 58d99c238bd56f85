import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

// Who else can act on a session: the same client in a second tab (refresh and logout at once),
// and another admin taking a role away. What each ordering leaves behind must be what logout and
// role removal promise (docs/api-notes.md, Auth).
const { authCall, call, newUser, newAdmin } = useCatalog();

const refresh = (refreshToken: string) => authCall("POST", "/api/v1/auth/refresh", { body: { refreshToken } });
const logout = (refreshToken: string) => authCall("POST", "/api/v1/auth/logout", { body: { refreshToken } });
const addCity = (token: string) => call("POST", "/api/v1/cities", { token, body: { name: `City ${crypto.randomUUID()}`, country: "IN" } });

describe("refresh racing logout", () => {
  it("once logout answered 204, no token of the session refreshes, whichever ran first (30 races)", async () => {
    let refreshedFirst = 0;
    for (let trial = 0; trial < 30; trial++) {
      const { refreshToken } = await newUser();
      const [refreshed, loggedOut] = await Promise.all([refresh(refreshToken), logout(refreshToken)]);
      expect(loggedOut.status).toBe(204);
      expect([200, 401]).toContain(refreshed.status);
      if (refreshed.status === 200) {
        refreshedFirst++;
        const successor = await refresh(refreshed.body.data.refreshToken);
        expect(successor.status, `trial ${trial}: a token issued by a refresh racing logout still refreshed`).toBe(401);
      }
    }
    // Both orderings are exercised (the refresh wins some races), or the test proves little.
    expect(refreshedFirst).toBeGreaterThan(0);
  });
});

describe("admin powers are checked live", () => {
  it("a removed admin role stops admin writes at once, not when the access token expires", async () => {
    const keeper = await newAdmin();
    const demoted = await newAdmin();
    expect((await addCity(demoted.accessToken)).status).toBe(201);
    const revoked = await authCall("DELETE", `/api/v1/auth/users/${demoted.user.id}/roles/admin`, { token: keeper.accessToken });
    expect(revoked.status).toBe(200);
    const refused = await addCity(demoted.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
  });

  it("logout ends the session's admin powers at once", async () => {
    const admin = await newAdmin();
    expect((await addCity(admin.accessToken)).status).toBe(201);
    expect((await logout(admin.refreshToken)).status).toBe(204);
    const refused = await addCity(admin.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("a customer's access token stays valid until it expires (stateless, ACCESS_TOKEN_TTL_SECONDS)", async () => {
    const customer = await newUser();
    expect((await logout(customer.refreshToken)).status).toBe(204);
    expect((await authCall("GET", "/api/v1/auth/me", { token: customer.accessToken })).status).toBe(200);
  });
});
