import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import { type Database, inTransaction, type Queryable } from "../../db/client";
import { idempotencyKeys } from "../../db/schema";
import type { Principal } from "../auth/tokens";
import { sha256Hex } from "../crypto";
import { AppError } from "../errors";

/** The header of API.md's idempotent writes, as routes declare (and so validate) it. */
export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: "must be 1 to 255 visible ASCII characters" })
    .optional()
    .openapi({ description: "Same key and body: the first answer again; same key, other body: 409 IDEMPOTENCY_CONFLICT" }),
});

type JsonAnswer<T, S extends 200 | 201> = Response & TypedResponse<JSONParsed<{ data: T }>, S, "json">;

class Replay extends Error {}

/**
 * Answers a write that accepts `Idempotency-Key` (API.md, Conventions) with `{data}` and `status`.
 * The key is scoped to the caller and the request's method and path, and claimed in the same
 * transaction as `work` (which runs its domain verb in it, see inTransaction): a concurrent request
 * with the same key waits on the key's row until the first commits, then answers with the stored
 * response, byte for byte, marked `Idempotent-Replayed: true`. If the first fails, nothing is
 * stored and a retry runs again. The same key with a different body is 409 IDEMPOTENCY_CONFLICT.
 * Without a key, `work` simply runs.
 */
export async function answerOnce<T, S extends 200 | 201>(
  c: Context,
  status: S,
  body: unknown,
  work: (db: Queryable) => Promise<T>,
): Promise<JsonAnswer<T, S>> {
  c.header("Cache-Control", "no-store");
  const key = c.req.header("idempotency-key");
  const db = c.get("db") as Database;
  const principal = c.get("principal") as Principal;
  if (key === undefined) return json(c, status, JSON.stringify({ data: await work(db) }));

  const scope = `${c.req.method} ${c.req.path}`;
  const requestHash = await sha256Hex(`${scope}\n${JSON.stringify(body)}`);
  const where = and(eq(idempotencyKeys.userId, principal.userId), eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  try {
    const answer = await inTransaction(db, async (tx) => {
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({ userId: principal.userId, scope, key, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) throw new Replay();
      const text = JSON.stringify({ data: await work(tx) });
      await tx.update(idempotencyKeys).set({ responseStatus: status, responseBody: text }).where(where);
      return text;
    });
    return json(c, status, answer);
  } catch (err) {
    if (!(err instanceof Replay)) throw err;
  }
  const [stored] = await db.select().from(idempotencyKeys).where(where);
  if (!stored || stored.responseStatus === null || stored.responseBody === null) {
    throw new AppError("IDEMPOTENCY_CONFLICT", "A request with this Idempotency-Key is still in progress; retry shortly.");
  }
  if (stored.requestHash !== requestHash) {
    throw new AppError("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was used with a different request.");
  }
  c.header("Idempotent-Replayed", "true");
  return json(c, stored.responseStatus as S, stored.responseBody);
}

/** A JSON body already serialised: the stored answer is replayed byte for byte. */
const json = <T, S extends 200 | 201>(c: Context, status: S, text: string) =>
  c.body(text, status, { "Content-Type": "application/json" }) as unknown as JsonAnswer<T, S>;
