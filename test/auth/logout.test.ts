import { describe, expect, it } from "vitest";
import { PASSWORD, useAuthWorker } from "../support/auth";

const { call, db, newUser, refresh } = useAuthWorker();

const logout = (refreshToken: string) => call("POST", "/api/v1/auth/logout", { body: { refreshToken } });

describe("happy", () => {
  it("revokes the session: its refresh token no longer works", async () => {
    const { refreshToken } = await newUser();
    const res = await logout(refreshToken);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await refresh(refreshToken)).status).toBe(401);
  });

  it("leaves the user's other sessions alone", async () => {
    const { user, refreshToken } = await newUser();
    const other = await call("POST", "/api/v1/auth/login", { body: { email: user.email, password: PASSWORD } });
    await logout(refreshToken);
    expect((await refresh(other.body.data.refreshToken)).status).toBe(200);
  });
});

describe("errors", () => {
  it("is 204 for an unknown token too, and 400 without one", async () => {
    expect((await logout("unknown")).status).toBe(204);
    const missing = await call("POST", "/api/v1/auth/logout", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe("refreshToken");
  });
});

describe("security", () => {
  it("ends the whole session: every token of its family is revoked, rotated ones too", async () => {
    const { user, refreshToken } = await newUser();
    const rotated = (await refresh(refreshToken)).body.data.refreshToken;
    expect((await logout(refreshToken)).status).toBe(204);
    expect((await refresh(rotated)).status).toBe(401);
    const [live] = await db.sql()`select count(*)::int as n from sessions where user_id = ${user.id} and revoked_at is null`;
    expect(live?.n).toBe(0);
  });
});
