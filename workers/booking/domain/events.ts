import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { uuidArray } from "../../../db/sql";
import { type BookingEventType, eventSubject, FLIGHT_CHANGED, type FlightChange } from "../../../shared/events";

/**
 * The producer half of the transactional outbox: booking events written in the transaction of the
 * state change they describe, shaped as shared/events.ts's BookingEvent (API.md, Events). The
 * notifier's relay publishes them (notifier/outbox.ts).
 */

/**
 * The flight half of an event's `booking` object, from a flights row `f` and its origin and
 * destination airports `o` and `d`. Instants are rendered by jsonb (with their offset).
 */
export const eventFlightJson = sql<string>`jsonb_build_object(
  'flightId', f.id,
  'flightNumber', f.flight_number,
  'from', f.origin,
  'to', f.destination,
  'departureTime', f.departure_time,
  'departureTimeZone', o.time_zone,
  'arrivalTime', f.arrival_time,
  'arrivalTimeZone', d.time_zone)::text`;

/** An event's `user` object, from a users row `u`. */
export const eventUserJson = sql<string>`jsonb_build_object('email', u.email, 'name', u.name)::text`;

/** The parts of an event, each an SQL expression; the one place an event's payload is shaped. */
interface EventParts {
  eventId: SQL;
  type: BookingEventType;
  /** jsonb: the booking's refund, or null. */
  refund?: SQL;
  /** jsonb: the airline change the event announces. */
  change?: SQL;
  /** eventFlightJson (text). */
  flight: SQL;
  /** eventUserJson (text). */
  user: SQL;
  booking: { id: SQL; status: SQL; seats: SQL; passengers: SQL; totalAmount: SQL; holdExpiresAt: SQL };
}

function eventPayload(e: EventParts): SQL {
  const b = e.booking;
  return sql`jsonb_build_object(
    'id', ${e.eventId},
    'type', ${eventSubject(e.type)}::text,
    'occurredAt', now(),
    'booking', ${e.flight}::jsonb || jsonb_build_object(
      'id', ${b.id}, 'status', ${b.status}, 'seats', ${b.seats}, 'passengers', ${b.passengers},
      'totalAmount', ${b.totalAmount}, 'holdExpiresAt', ${b.holdExpiresAt}),
    'user', ${e.user}::jsonb${e.refund ? sql`, 'refund', ${e.refund}` : sql``}${e.change ? sql`, 'change', ${e.change}` : sql``})`;
}

/**
 * Joined into every event insert: NOTIFY outbox, delivered on commit, wakes a listening relay at
 * once instead of at its next poll.
 */
const wakeRelay = sql`cross join pg_notify('outbox', '') as wake`;

/**
 * Writes one event per booking into the outbox, in the caller's transaction. Built by PostgreSQL
 * from the rows as this transaction sees them, so the event always matches the state it commits with.
 */
export async function recordBookingEvents(
  tx: Queryable,
  type: BookingEventType,
  bookingIds: string[],
  change?: FlightChange,
): Promise<void> {
  if (bookingIds.length === 0) return;
  const passengers = (item: SQL) =>
    sql`coalesce((select jsonb_agg(${item} order by p.position) from booking_passengers p where p.booking_id = b.id), '[]')`;
  await tx.execute(sql`
    insert into outbox_events (id, type, payload)
    select e.event_id, ${eventSubject(type)}, ${eventPayload({
      eventId: sql`e.event_id`,
      type,
      flight: eventFlightJson,
      user: eventUserJson,
      refund: sql`(select jsonb_build_object('amount', r.amount, 'currency', r.currency) from refunds r where r.booking_id = b.id)`,
      change: change && sql`${JSON.stringify(change)}::jsonb`,
      booking: {
        id: sql`b.id`,
        status: sql`b.status`,
        seats: passengers(sql`p.row || p.letter`),
        passengers: passengers(sql`jsonb_build_object('name', p.name, 'seat', p.row || p.letter)`),
        totalAmount: sql`jsonb_build_object('amount', b.total_amount, 'currency', b.currency)`,
        holdExpiresAt: sql`b.hold_expires_at`,
      },
    })}
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
 * `booking` names the CTE that returns the new booking's id and hold_expires_at. The payload is
 * the one recordBookingEvents builds, from values the hold has already read or written, so a hold
 * costs no extra statement and no joins while its seat locks are held.
 */
export function heldEventInsert(booking: SQL, parts: HeldEventParts): SQL {
  const eventId = sql`${crypto.randomUUID()}::uuid`;
  const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
  return sql`
    insert into outbox_events (id, type, payload)
    select ${eventId}, ${eventSubject("held")}, ${eventPayload({
      eventId,
      type: "held",
      flight: sql`${parts.flight}`,
      user: sql`${parts.user}`,
      refund: sql`null::jsonb`,
      booking: {
        id: sql`${booking}.id`,
        status: sql`'held'::text`,
        seats: json(parts.seats),
        passengers: json(parts.passengers),
        totalAmount: json(parts.totalAmount),
        holdExpiresAt: sql`${booking}.hold_expires_at`,
      },
    })}
    from ${booking} ${wakeRelay}`;
}

/** The flight-level `flights.changed` event, in the change's transaction (shared/events.ts). */
export async function recordFlightChanged(tx: Queryable, flightId: string, change: FlightChange & { bookingsAffected: number }) {
  await tx.execute(sql`
    insert into outbox_events (id, type, payload)
    select e.id, ${FLIGHT_CHANGED}, jsonb_build_object(
      'id', e.id, 'type', ${FLIGHT_CHANGED}::text, 'occurredAt', now(),
      'flight', jsonb_build_object('id', f.id, 'flightNumber', f.flight_number, 'from', f.origin, 'to', f.destination,
        'departureTime', f.departure_time, 'arrivalTime', f.arrival_time, 'status', f.status, 'boardingGate', f.boarding_gate),
      'change', ${JSON.stringify(change)}::jsonb)
    from flights f, (select gen_random_uuid() as id) e
    ${wakeRelay}
    where f.id = ${flightId}`);
}
