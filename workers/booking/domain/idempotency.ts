import { and, eq } from "drizzle-orm";
import type { Database, Transaction } from "../../../db/client";
import { idempotencyKeys } from "../../../db/schema";
import { sha256Hex } from "../../../shared/crypto";
import { AppError, validationFailed } from "../../../shared/errors";

export interface StoredResponse {
  status: 200 | 201;
  body: unknown;
}

export interface IdempotencyRequest {
  userId: string;
  /** Method and path: a key is scoped to one endpoint (and one booking, for payments). */
  scope: string;
  key: string | undefined;
  body: unknown;
}

class Replay extends Error {}

const hashOf = (scope: string, body: unknown) => sha256Hex(`${scope}\n${JSON.stringify(body)}`);

/**
 * Runs `work` once per (user, scope, Idempotency-Key). The key is inserted in the same transaction
 * as the work, so a concurrent request with the same key waits on the unique index until the first
 * commits, then answers with the stored response; if the first fails, nothing is stored and a retry
 * runs again. The same key with a different body is 409 IDEMPOTENCY_CONFLICT.
 */
export async function idempotent(
  db: Database,
  request: IdempotencyRequest,
  work: (tx: Transaction) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (request.key === undefined) return { ...(await db.transaction(work)), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(request.key)) {
    throw validationFailed([{ path: "header.Idempotency-Key", message: "must be 1 to 255 visible ASCII characters" }]);
  }
  const requestHash = await hashOf(request.scope, request.body);
  const where = and(
    eq(idempotencyKeys.userId, request.userId),
    eq(idempotencyKeys.scope, request.scope),
    eq(idempotencyKeys.key, request.key),
  );
  try {
    const result = await db.transaction(async (tx) => {
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({ userId: request.userId, scope: request.scope, key: request.key!, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) throw new Replay();
      const response = await work(tx);
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: response.status, responseBody: JSON.stringify(response.body) })
        .where(where);
      return response;
    });
    return { ...result, replayed: false };
  } catch (err) {
    if (!(err instanceof Replay)) throw err;
  }
  const [stored] = await db.select().from(idempotencyKeys).where(where);
  if (!stored || stored.responseStatus === null) {
    throw new AppError("IDEMPOTENCY_CONFLICT", "A request with this Idempotency-Key is still in progress; retry shortly.");
  }
  if (stored.requestHash !== requestHash) {
    throw new AppError("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was used with a different request.");
  }
  return { status: stored.responseStatus as 200 | 201, body: JSON.parse(stored.responseBody ?? "null"), replayed: true };
}
