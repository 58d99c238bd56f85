import { describe, expect, it } from "vitest";
import { useAuthWorker } from "../support/auth";

const { db, newUser, refresh } = useAuthWorker();

describe("happy", () => {
  it("rotates: a refresh gives a new pair and the new refresh token works", async () => {
    const { refreshToken } = await newUser();
    const first = await refresh(refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.data.refreshToken).not.toBe(refreshToken);
    const second = await refresh(first.body.data.refreshToken);
    expect(second.status).toBe(200);
  });
});

describe("errors", () => {
  it("past the session's absolute expiry: 401 TOKEN_EXPIRED", async () => {
    const { user, refreshToken } = await newUser();
    await db.sql()`update sessions set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    const res = await refresh(refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("an unknown token is 401", async () => {
    const res = await refresh("not-a-token-we-issued");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("security", () => {
  it("replaying a spent token revokes the whole session, including its successor", async () => {
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

  it("two refreshes of one token at once: one wins, the session is revoked", async () => {
    const { refreshToken } = await newUser();
    const results = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(winner.body.data.refreshToken)).status).toBe(401);
  });

  it("a rotated token keeps the session's expiry (it is absolute, not sliding)", async () => {
    const { user, refreshToken } = await newUser();
    await refresh(refreshToken);
    const rows = await db.sql()`select s.expires_at, count(t.*)::int as tokens from sessions s join refresh_tokens t on t.session_id = s.id
      where s.user_id = ${user.id} group by s.id`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokens).toBe(2);
  });
});
