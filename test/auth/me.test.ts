import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";
import { expectSignInRequired } from "../support/security";

const { call, db, newUser, refusedCallers } = useAuthWorker();

const me = (token?: string) => call("GET", "/api/v1/auth/me", { token });

describe("happy", () => {
  it("returns the caller", async () => {
    const { user, accessToken } = await newUser();
    const res = await me(accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(user);
  });
});

describe("errors", () => {
  it("a genuine token of an account that no longer exists is 401", async () => {
    const { user, accessToken } = await newUser();
    await db.sql()`delete from users where id = ${user.id}`;
    const res = await me(accessToken);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("security", () => {
  it("is 401 without a token or with a malformed header", async () => {
    const none = await call("GET", "/api/v1/auth/me");
    const basic = await call("GET", "/api/v1/auth/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect([none.status, basic.status]).toEqual([401, 401]);
    expect(none.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("an expired or forged token is 401 (every refused kind: access-tokens.test.ts)", async () => {
    await expectSignInRequired(me, await refusedCallers());
  });
});
