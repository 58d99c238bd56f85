import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { uuidArray } from "./sql";
import type { BookingEventType } from "../shared/events";

/**
 * The flight half of an event's `booking` object, from a flights row `f` and its origin and
 * destination airports `o` and `d`. Instants are rendered by jsonb (with their offset).
 */
const flightFields = sql`
  'flightId', f.id,
  'flightNumber', f.flight_number,
  'from', f.origin,
  'to', f.destination,
  'departureTime', f.departure_time,
  'departureTimeZone', o.time_zone,
  'arrivalTime', f.arrival_time,
  'arrivalTimeZone', d.time_zone`;

/**
 * Joined into every event insert: NOTIFY outbox, delivered on commit, wakes a listening relay at
 * once instead of at its next poll.
 */
const wakeRelay = sql`cross join pg_notify('outbox', '') as wake`;

/** The flight half of a booking event as JSON text, to select next to a flight `f` joined to `o` and `d`. */
export const eventFlightJson = sql<string>`jsonb_build_object(${flightFields})::text`;
/** An event's `user` object, from a users row `u`. */
const userObject = sql`jsonb_build_object('email', u.email, 'name', u.name)`;

/** An event's `user` object as JSON text, to select from a users row `u`. */
export const eventUserJson = sql<string>`${userObject}::text`;

/**
 * Writes one event per booking into the outbox, in the caller's transaction, shaped as API.md's
 * Events: {id, type, occurredAt, booking, user}. Built by PostgreSQL from the rows as this
 * transaction sees them, so the event always matches the state it commits with.
 */
export async function recordBookingEvents(tx: Queryable, type: BookingEventType, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return;
  await tx.execute(sql`
    insert into outbox_events (id, type, payload)
    select e.event_id, ${`bookings.${type}`}, jsonb_build_object(
      'id', e.event_id,
      'type', ${`bookings.${type}`}::text,
      'occurredAt', now(),
      'booking', jsonb_build_object(
        'id', b.id,
        'status', b.status,
        ${flightFields},
        'seats', coalesce((select jsonb_agg(p.row || p.letter order by p.position) from booking_passengers p where p.booking_id = b.id), '[]'),
        'passengers', coalesce((select jsonb_agg(jsonb_build_object('name', p.name, 'seat', p.row || p.letter) order by p.position)
                       from booking_passengers p where p.booking_id = b.id), '[]'),
        'totalAmount', jsonb_build_object('amount', b.total_amount, 'currency', b.currency),
        'holdExpiresAt', b.hold_expires_at),
      'user', ${userObject})
    from (select id as booking_id, gen_random_uuid() as event_id from unnest(${uuidArray(bookingIds)}) as ids(id)) e
    join bookings b on b.id = e.booking_id
    join flights f on f.id = b.flight_id
    join airports o on o.code = f.origin
    join airports d on d.code = f.destination
    join users u on u.id = b.user_id
    ${wakeRelay}`);
}

/** What a new hold's event is made of when the hold's own statement writes it (see heldEventInsert). */
export interface HeldEventParts {
  /** eventFlightJson, read with the flight. */
  flight: string;
  /** eventUserJson, read with the flight. */
  user: string;
  seats: string[];
  passengers: { name: string; seat: string }[];
  totalAmount: { amount: number; currency: string };
}

/**
 * The `bookings.held` event as an INSERT for a data-modifying CTE next to the hold's own insert:
 * `booking` names the CTE that returns the new booking's id and hold_expires_at. It carries the
 * same payload recordBookingEvents would build, from values the hold has already read or written,
 * so a hold costs no extra statement and no joins while its seat locks are held.
 */
export function heldEventInsert(booking: SQL, parts: HeldEventParts): SQL {
  const eventId = crypto.randomUUID();
  const known = JSON.stringify({ status: "held", seats: parts.seats, passengers: parts.passengers, totalAmount: parts.totalAmount });
  return sql`
    insert into outbox_events (id, type, payload)
    select ${eventId}::uuid, 'bookings.held', jsonb_build_object(
      'id', ${eventId}::uuid,
      'type', 'bookings.held'::text,
      'occurredAt', now(),
      'booking', ${parts.flight}::jsonb || ${known}::jsonb || jsonb_build_object('id', ${booking}.id, 'holdExpiresAt', ${booking}.hold_expires_at),
      'user', ${parts.user}::jsonb)
    from ${booking} ${wakeRelay}`;
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
