import type { JetStreamClient } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { uuidArray } from "../db/sql";

export interface DeadLetter {
  eventId: string;
  subject: string;
  deliveries: number;
  lastError: string;
  deadAt: Date;
}

export interface ReplayResult {
  /** Published to BOOKINGS again; each dead letter goes away once its email is sent. */
  replayed: string[];
  /** Their email had gone out after all (the sent log says so): the dead letter is removed. */
  alreadySent: string[];
  /** Asked for by id but not among the dead letters. */
  notFound: string[];
}

export async function listDeadLetters(db: Database): Promise<DeadLetter[]> {
  const rows = await db.execute<{ event_id: string; subject: string; deliveries: number; last_error: string; dead_at: string }>(sql`
    select event_id, subject, deliveries, last_error, dead_at from notifier_dead_letters order by dead_at, event_id`);
  return rows.map((r) => ({ eventId: r.event_id, subject: r.subject, deliveries: r.deliveries, lastError: r.last_error, deadAt: new Date(r.dead_at) }));
}

/**
 * Publishes dead-lettered events to BOOKINGS again, for after the cause is fixed (a wrong API key,
 * a provider outage longer than the retries). The copy has a fresh Nats-Msg-Id, so the stream's
 * duplicate window does not drop it; the consumer still sends at most one email per event id (the
 * sent log, and the event id as Resend's Idempotency-Key). A replay that fails again is
 * dead-lettered again, with the new error.
 */
export async function replayDeadLetters(db: Database, js: JetStreamClient, eventIds: string[] | "all"): Promise<ReplayResult> {
  const selected = eventIds === "all" ? sql`true` : sql`d.event_id = any(${uuidArray(eventIds)})`;
  const rows = await db.execute<{ event_id: string; subject: string; payload: unknown; sent: boolean }>(sql`
    select d.event_id, d.subject, d.payload,
      exists (select 1 from notifier_sent_emails s where s.event_id = d.event_id) as sent
    from notifier_dead_letters d where ${selected} order by d.dead_at, d.event_id`);
  const result: ReplayResult = { replayed: [], alreadySent: [], notFound: [] };
  if (eventIds !== "all") {
    const found = new Set(rows.map((r) => r.event_id));
    result.notFound = eventIds.filter((id) => !found.has(id));
  }
  for (const row of rows) {
    if (row.sent) {
      await db.execute(sql`delete from notifier_dead_letters where event_id = ${row.event_id}`);
      result.alreadySent.push(row.event_id);
      continue;
    }
    await js.publish(row.subject, JSON.stringify(row.payload), { msgID: `${row.event_id}.replay.${crypto.randomUUID()}` });
    result.replayed.push(row.event_id);
  }
  return result;
}
