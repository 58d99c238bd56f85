import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../../db/client";
import { refreshTokens } from "../../../db/schema";
import { sha256Hex } from "../../../shared/crypto";
import { AppError } from "../../../shared/errors";
import type { AuthConfig } from "../config";
import { issueAccessToken } from "./access-tokens";
import { checkCredentials } from "./credentials";
import { findUser } from "./users";

const DAY_MS = 86_400_000;

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
  const [accessToken, refreshToken] = await Promise.all([issueAccessToken(config, user), startSession(db, user.id, config.REFRESH_TOKEN_TTL_DAYS)]);
  return pair(config, accessToken, refreshToken);
}

/** Refresh: spends the refresh token (see rotateRefreshToken) and issues a token with the user's roles now. */
export async function refreshSession(db: Database, config: AuthConfig, token: string): Promise<TokenPair> {
  const { userId, refreshToken } = await rotateRefreshToken(db, token);
  const user = await findUser(db, userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists.");
  return pair(config, await issueAccessToken(config, user), refreshToken);
}

/** Starts a session (a token family) at login; the family expires at an absolute time. */
export async function startSession(db: Database, userId: string, ttlDays: number): Promise<string> {
  const token = newRefreshToken();
  await db.insert(refreshTokens).values({
    userId,
    familyId: crypto.randomUUID(),
    tokenHash: await hashToken(token),
    expiresAt: new Date(Date.now() + ttlDays * DAY_MS),
  });
  return token;
}

/**
 * Spends a refresh token and issues its successor in the same family. Presenting a token that was
 * already spent (a replay, or a thief racing the owner) revokes the whole family.
 */
export async function rotateRefreshToken(db: Database, token: string): Promise<{ userId: string; refreshToken: string }> {
  const tokenHash = await hashToken(token);
  const outcome = await db.transaction(async (tx) => {
    const [spent] = await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.usedAt),
          isNull(refreshTokens.revokedAt),
          sql`${refreshTokens.expiresAt} > now()`,
        ),
      )
      .returning();
    if (spent) {
      const next = newRefreshToken();
      await tx.insert(refreshTokens).values({
        userId: spent.userId,
        familyId: spent.familyId,
        tokenHash: await hashToken(next),
        expiresAt: spent.expiresAt,
      });
      return { ok: true as const, userId: spent.userId, refreshToken: next };
    }
    const [known] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
    if (!known) return { ok: false as const, reason: "unknown" as const };
    if (!known.usedAt && !known.revokedAt) return { ok: false as const, reason: "expired" as const };
    await revokeFamily(tx, known.familyId);
    return { ok: false as const, reason: "reused" as const };
  });
  // Thrown after the commit, so the family revocation above is kept.
  if (outcome.ok) return outcome;
  if (outcome.reason === "expired") throw new AppError("TOKEN_EXPIRED", "The refresh token has expired; log in again.");
  if (outcome.reason === "reused") {
    throw new AppError("UNAUTHENTICATED", "This refresh token was already used; the session has been revoked. Log in again.");
  }
  throw new AppError("UNAUTHENTICATED", "The refresh token is not valid.");
}

async function revokeFamily(db: Queryable, familyId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Logout: revokes the session the token belongs to. Unknown tokens are ignored (nothing to end). */
export async function endSession(db: Database, token: string): Promise<void> {
  const [known] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await hashToken(token)));
  if (known) await revokeFamily(db, known.familyId);
}
