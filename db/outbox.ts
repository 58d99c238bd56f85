import { sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { uuidArray } from "./sql";
import type { BookingEventType } from "../shared/events";

/**
 * Writes one event per booking into the outbox, in the caller's transaction, shaped as API.md's
 * Events: {id, type, occurredAt, booking, user}. Built by PostgreSQL from the rows as this
 * transaction sees them, so the event always matches the state it commits with.
 */
export async function recordBookingEvents(tx: Queryable, type: BookingEventType, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return;
  await tx.execute(sql`
    with events as (
      select ids.id as booking_id, gen_random_uuid() as event_id from unnest(${uuidArray(bookingIds)}) as ids(id)
    ), recorded as (
    insert into outbox_events (id, type, payload)
    select e.event_id, ${`bookings.${type}`}, jsonb_build_object(
      'id', e.event_id,
      'type', ${`bookings.${type}`}::text,
      'occurredAt', now(),
      'booking', jsonb_build_object(
        'id', b.id,
        'status', b.status,
        'flightId', f.id,
        'flightNumber', f.flight_number,
        'from', f.origin,
        'to', f.destination,
        'departureTime', f.departure_time,
        'departureTimeZone', o.time_zone,
        'arrivalTime', f.arrival_time,
        'arrivalTimeZone', d.time_zone,
        'seats', coalesce((select jsonb_agg(p.row || p.letter order by p.position) from booking_passengers p where p.booking_id = b.id), '[]'),
        'passengers', coalesce((select jsonb_agg(jsonb_build_object('name', p.name, 'seat', p.row || p.letter) order by p.position)
                       from booking_passengers p where p.booking_id = b.id), '[]'),
        'totalAmount', jsonb_build_object('amount', b.total_amount, 'currency', b.currency),
        'holdExpiresAt', b.hold_expires_at),
      'user', jsonb_build_object('email', u.email, 'name', u.name))
    from events e
    join bookings b on b.id = e.booking_id
    join flights f on f.id = b.flight_id
    join airports o on o.code = f.origin
    join airports d on d.code = f.destination
    join users u on u.id = b.user_id
    returning 1
    )
    -- Wakes a listening relay at once instead of at its next poll (delivered on commit).
    select pg_notify('outbox', '') from (select count(*) from recorded) as n`);
}

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
