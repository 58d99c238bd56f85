import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";

const { call, db, newUser } = useAuthWorker();

const refresh = (refreshToken: string) => call("POST", "/api/v1/auth/refresh", { body: { refreshToken } });
const logout = (refreshToken: string) => call("POST", "/api/v1/auth/logout", { body: { refreshToken } });

describe("refresh tokens", () => {
  it("are stored only as hashes", async () => {
    const { user, refreshToken } = await newUser();
    const rows = await db.sql()`select token_hash from refresh_tokens t join sessions s on s.id = t.session_id where s.user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toBe(refreshToken);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rotate: a refresh gives a new pair and the new refresh token works", async () => {
    const { refreshToken } = await newUser();
    const first = await refresh(refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.data.refreshToken).not.toBe(refreshToken);
    const second = await refresh(first.body.data.refreshToken);
    expect(second.status).toBe(200);
  });

  it("replaying a spent token revokes the whole family, including its successor", async () => {
    const { user, refreshToken } = await newUser();
    const rotated = await refresh(refreshToken);
    expect(rotated.status).toBe(200);

    const replay = await refresh(refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("UNAUTHENTICATED");

    const successor = await refresh(rotated.body.data.refreshToken);
    expect(successor.status).toBe(401);
    const live = await db.sql()`select count(*)::int as n from sessions where user_id = ${user.id} and revoked_at is null`;
    expect(live[0]?.n).toBe(0);
  });

  it("two refreshes of one token at once: one wins, the family is revoked", async () => {
    const { refreshToken } = await newUser();
    const results = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(winner.body.data.refreshToken)).status).toBe(401);
  });

  it("past the family's absolute expiry: 401 TOKEN_EXPIRED", async () => {
    const { user, refreshToken } = await newUser();
    await db.sql()`update sessions set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    const res = await refresh(refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("a rotated token keeps the family's expiry (it is absolute, not sliding)", async () => {
    const { user, refreshToken } = await newUser();
    await refresh(refreshToken);
    const rows = await db.sql()`select s.expires_at, count(t.*)::int as tokens from sessions s join refresh_tokens t on t.session_id = s.id
      where s.user_id = ${user.id} group by s.id`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokens).toBe(2);
  });

  it("an unknown token is 401", async () => {
    const res = await refresh("not-a-token-we-issued");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("revokes the session: its refresh token no longer works", async () => {
    const { refreshToken } = await newUser();
    const res = await logout(refreshToken);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await refresh(refreshToken)).status).toBe(401);
  });

  it("is 204 for an unknown token too, and 400 without one", async () => {
    expect((await logout("unknown")).status).toBe(204);
    const missing = await call("POST", "/api/v1/auth/logout", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe("refreshToken");
  });

  it("leaves the user's other sessions alone", async () => {
    const { user, refreshToken } = await newUser();
    const other = await call("POST", "/api/v1/auth/login", { body: { email: user.email, password: "correct horse battery" } });
    await logout(refreshToken);
    expect((await refresh(other.body.data.refreshToken)).status).toBe(200);
  });
});
