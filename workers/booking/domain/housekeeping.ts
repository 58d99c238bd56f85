import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { recordBookingEvents } from "./events";
import { uuidArray } from "../../../db/sql";

/**
 * Records holds past their deadline as `expired`, frees whatever seats they still have, and emits
 * bookings.expired, one batch per transaction. SKIP LOCKED leaves a booking that a payment or a
 * cancellation holds right now to that request; the next run sees it if it is still stale.
 */
export async function expireStaleHolds(db: Database, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await db.transaction(async (tx) => {
      const rows = await tx.execute<{ id: string }>(sql`
        update bookings b set status = 'expired', expired_at = now()
        from (select id from bookings where status = 'held' and hold_expires_at <= now()
              order by hold_expires_at limit ${batchSize} for update skip locked) stale
        where b.id = stale.id
        returning b.id`);
      const ids = rows.map((r) => r.id);
      if (ids.length === 0) return 0;
      await tx.execute(sql`update seats set booking_id = null, held_until = null where booking_id = any(${uuidArray(ids)})`);
      await recordBookingEvents(tx, "expired", ids);
      return ids.length;
    });
    total += expired;
    if (expired < batchSize) return total;
  }
}

/** Emits bookings.reminder once per confirmed booking departing within `hours`. */
export async function scheduleReminders(db: Database, hours: number, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const reminded = await db.transaction(async (tx) => {
      const rows = await tx.execute<{ id: string }>(sql`
        update bookings b set reminder_sent_at = now()
        from (select b2.id from bookings b2 join flights f on f.id = b2.flight_id
              where b2.status = 'confirmed' and b2.reminder_sent_at is null
                and f.departure_time > now() and f.departure_time <= now() + make_interval(hours => ${hours})
              limit ${batchSize} for update of b2 skip locked) due
        where b.id = due.id
        returning b.id`);
      const ids = rows.map((r) => r.id);
      await recordBookingEvents(tx, "reminder", ids);
      return ids.length;
    });
    total += reminded;
    if (reminded < batchSize) return total;
  }
}
