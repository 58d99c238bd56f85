import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../../db/client";
import { refreshTokens, sessions } from "../../../db/schema";
import { sha256Hex } from "../../../shared/crypto";
import { AppError } from "../../../shared/errors";
import type { AuthConfig } from "../config";
import { issueAccessToken } from "./access-tokens";
import { checkCredentials } from "./credentials";
import { findUser } from "./users";

/** 256 random bits, base64url: the refresh token the client keeps. Only its hash is stored. */
function newRefreshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const hashToken = (token: string) => sha256Hex(token);

/** What login and refresh answer: an access token and the session's next refresh token. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

const pair = (config: AuthConfig, accessToken: string, refreshToken: string): TokenPair => ({
  accessToken,
  refreshToken,
  tokenType: "Bearer",
  expiresIn: config.ACCESS_TOKEN_TTL_SECONDS,
});

/** Login: checks the credentials and starts a session. */
export async function logIn(db: Database, config: AuthConfig, email: string, password: string): Promise<TokenPair> {
  const user = await checkCredentials(db, email, password, config.BCRYPT_COST);
  const session = await startSession(db, user.id, config.REFRESH_TOKEN_TTL_DAYS);
  return pair(config, await issueAccessToken(config, user, session.id), session.refreshToken);
}

/** Refresh: spends the refresh token (see rotateRefreshToken) and issues a token with the user's roles now. */
export async function refreshSession(db: Database, config: AuthConfig, token: string): Promise<TokenPair> {
  const { userId, sessionId, refreshToken } = await rotateRefreshToken(db, token);
  const user = await findUser(db, userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists.");
  return pair(config, await issueAccessToken(config, user, sessionId), refreshToken);
}

/** Starts a session at login, with its first refresh token; the session expires at an absolute time. */
export async function startSession(db: Database, userId: string, ttlDays: number): Promise<{ id: string; refreshToken: string }> {
  const token = newRefreshToken();
  const tokenHash = await hashToken(token);
  const [session] = await db.execute<{ id: string }>(sql`
    with session as (
      insert into sessions (user_id, expires_at) values (${userId}, now() + make_interval(days => ${ttlDays})) returning id
    ), first_token as (
      insert into refresh_tokens (session_id, token_hash) select id, ${tokenHash} from session
    )
    select id from session`);
  return { id: session!.id, refreshToken: token };
}

type Rotation =
  | { ok: true; userId: string; sessionId: string; refreshToken: string }
  | { ok: false; reason: "unknown" | "ended" | "expired" | "reused" };

/**
 * Spends a refresh token and issues its successor in the same session, under the session's row
 * lock (logout takes the same lock, so the two serialise). Presenting a token that was already
 * spent (a replay, or a thief racing the owner) ends the whole session.
 */
export async function rotateRefreshToken(db: Database, token: string): Promise<{ userId: string; sessionId: string; refreshToken: string }> {
  const tokenHash = await hashToken(token);
  const outcome = await db.transaction(async (tx): Promise<Rotation> => {
    const [found] = await tx.execute<{ token_id: string; used: boolean; session_id: string; user_id: string; ended: boolean; expired: boolean }>(sql`
      select t.id as token_id, t.used_at is not null as used, s.id as session_id, s.user_id,
        s.revoked_at is not null as ended, s.expires_at <= now() as expired
      from refresh_tokens t join sessions s on s.id = t.session_id
      where t.token_hash = ${tokenHash}
      for update of s`);
    if (!found) return { ok: false, reason: "unknown" };
    if (found.ended) return { ok: false, reason: "ended" };
    if (found.used) {
      await endSessions(tx, eq(sessions.id, found.session_id));
      return { ok: false, reason: "reused" };
    }
    if (found.expired) return { ok: false, reason: "expired" };
    const next = newRefreshToken();
    await tx.update(refreshTokens).set({ usedAt: sql`now()` }).where(eq(refreshTokens.id, found.token_id));
    await tx.insert(refreshTokens).values({ sessionId: found.session_id, tokenHash: await hashToken(next) });
    return { ok: true, userId: found.user_id, sessionId: found.session_id, refreshToken: next };
  });
  // Thrown after the commit, so ending the session above is kept.
  if (outcome.ok) return outcome;
  if (outcome.reason === "expired") throw new AppError("TOKEN_EXPIRED", "The refresh token has expired; log in again.");
  if (outcome.reason === "reused") {
    throw new AppError("UNAUTHENTICATED", "This refresh token was already used; the session has been revoked. Log in again.");
  }
  throw new AppError("UNAUTHENTICATED", "The refresh token is not valid.");
}

/** Ends the sessions `which` selects (one already ended keeps its time). */
export async function endSessions(db: Queryable, which: SQL): Promise<void> {
  await db.update(sessions).set({ revokedAt: sql`now()` }).where(and(which, isNull(sessions.revokedAt)));
}

/**
 * Logout: ends the session the token belongs to. The update takes the session's row lock, which
 * a refresh in flight holds until it commits: after this returns, no token of the session
 * refreshes, the one such a refresh just issued included. Unknown tokens are ignored.
 */
export async function endSession(db: Database, token: string): Promise<void> {
  const tokenHash = await hashToken(token);
  await endSessions(db, sql`${sessions.id} = (select session_id from refresh_tokens where token_hash = ${tokenHash})`);
}
