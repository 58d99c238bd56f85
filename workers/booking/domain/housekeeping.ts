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

/**
 * Emits bookings.reminder once per flight of a confirmed booking departing within `hours` (a
 * journey of several flights gets one before each), about that flight.
 */
export async function scheduleReminders(db: Database, hours: number, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const reminded = await db.transaction(async (tx) => {
      const rows = await tx.execute<{ booking_id: string; flight_id: string }>(sql`
        update booking_flights bf set reminder_sent_at = now()
        from (select l.booking_id, l.position from booking_flights l
              join flights f on f.id = l.flight_id
              join bookings b on b.id = l.booking_id
              where l.reminder_sent_at is null and b.status = 'confirmed'
                and f.departure_time > now() and f.departure_time <= now() + make_interval(hours => ${hours})
              limit ${batchSize} for update of l skip locked) due
        where bf.booking_id = due.booking_id and bf.position = due.position
        returning bf.booking_id, bf.flight_id`);
      await recordBookingEvents(tx, "reminder", rows.map((r) => ({ bookingId: r.booking_id, flightId: r.flight_id })));
      return rows.length;
    });
    total += reminded;
    if (reminded < batchSize) return total;
  }
}
