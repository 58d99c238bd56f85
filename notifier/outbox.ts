import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { uuidArray } from "../db/sql";

/** The relay's half of the transactional outbox (the booking worker writes the rows). */
export interface OutboxRow {
  id: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
}

/**
 * Claims up to `limit` unpublished events, oldest first, skipping rows another relay holds. The
 * rows stay locked until the caller's transaction ends: mark them published inside it.
 */
export async function claimUnpublished(tx: Queryable, limit: number): Promise<OutboxRow[]> {
  const rows = await tx.execute<{ id: string; type: string; payload: unknown; occurred_at: Date }>(sql`
    select id, type, payload, occurred_at from outbox_events
    where published_at is null
    order by occurred_at, id
    limit ${limit}
    for update skip locked`);
  return rows.map((r) => ({ id: r.id, type: r.type, payload: r.payload, occurredAt: new Date(r.occurred_at) }));
}

export async function markPublished(tx: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`update outbox_events set published_at = now() where id = any(${uuidArray(ids)})`);
}
