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
 * A flight as events describe it, from a flights row and its origin and destination airports
 * (aliases `f`, `o`, `d` unless given). Instants are rendered by jsonb (with their offset).
 */
export const flightJson = (f = "f", o = "o", d = "d") => sql`jsonb_build_object(
  'flightId', ${sql.raw(f)}.id,
  'flightNumber', ${sql.raw(f)}.flight_number,
  'from', ${sql.raw(f)}.origin,
  'to', ${sql.raw(f)}.destination,
  'departureTime', ${sql.raw(f)}.departure_time,
  'departureTimeZone', ${sql.raw(o)}.time_zone,
  'arrivalTime', ${sql.raw(f)}.arrival_time,
  'arrivalTimeZone', ${sql.raw(d)}.time_zone)`;

/** The same, as text, to read next to a flight `f` joined to `o` and `d`. */
export const eventFlightJson = sql<string>`${flightJson()}::text`;

/** An event's `user` object, from a users row `u`. */
export const eventUserJson = sql<string>`jsonb_build_object('email', u.email, 'name', u.name)::text`;

/** The parts of an event, each an SQL expression; the one place an event's payload is shaped. */
interface EventParts {
  eventId: SQL;
  type: BookingEventType;
  /** jsonb: the booking's refund, or null. */
  refund: SQL;
  /** jsonb: the airline change the event announces. */
  change?: SQL;
  /** jsonb: the flight the event is about (the first of the booking's, unless it is about another). */
  flight: SQL;
  /** jsonb: eventUserJson. */
  user: SQL;
  booking: { id: SQL; status: SQL; seats: SQL; passengers: SQL; legs: SQL; totalAmount: SQL; holdExpiresAt: SQL };
}

function eventPayload(e: EventParts): SQL {
  const b = e.booking;
  return sql`jsonb_build_object(
    'id', ${e.eventId},
    'type', ${eventSubject(e.type)}::text,
    'occurredAt', now(),
    'booking', ${e.flight} || jsonb_build_object(
      'id', ${b.id}, 'status', ${b.status}, 'seats', ${b.seats}, 'passengers', ${b.passengers}, 'legs', ${b.legs},
      'totalAmount', ${b.totalAmount}, 'holdExpiresAt', ${b.holdExpiresAt}),
    'user', ${e.user}, 'refund', ${e.refund}${e.change ? sql`, 'change', ${e.change}` : sql``})`;
}

/**
 * Joined into every event insert: NOTIFY outbox, delivered on commit, wakes a listening relay at
 * once instead of at its next poll.
 */
const wakeRelay = sql`cross join pg_notify('outbox', '') as wake`;

/** One booking an event is written for, and the flight of it the event is about (default: its first). */
export interface EventTarget {
  bookingId: string;
  flightId?: string;
}

/**
 * Writes one event per target into the outbox, in the caller's transaction. Built by PostgreSQL
 * from the rows as this transaction sees them, so the event always matches the state it commits
 * with. The booking's fields `flightId`, `from`, … `seats`, `passengers` are those of the flight
 * the event is about; `legs` lists every flight of the booking with its cabin and seats.
 */
export async function recordBookingEvents(
  tx: Queryable,
  type: BookingEventType,
  targets: (string | EventTarget)[],
  change?: FlightChange,
): Promise<void> {
  if (targets.length === 0) return;
  const ids = targets.map((t) => (typeof t === "string" ? t : t.bookingId));
  const flightIds = targets.map((t) => (typeof t === "string" ? null : (t.flightId ?? null)));
  const onLeg = (leg: string, item: SQL) =>
    sql`coalesce((select jsonb_agg(${item} order by p.position) from booking_passengers p
      where p.booking_id = b.id and p.flight_id = ${sql.raw(leg)}.flight_id), '[]')`;
  const seatOf = sql`p.row || p.letter`;
  const passengerOf = sql`jsonb_build_object('name', p.name, 'seat', p.row || p.letter)`;
  await tx.execute(sql`
    insert into outbox_events (id, type, payload)
    select e.event_id, ${eventSubject(type)}, ${eventPayload({
      eventId: sql`e.event_id`,
      type,
      flight: flightJson(),
      user: sql`jsonb_build_object('email', u.email, 'name', u.name)`,
      refund: sql`(select jsonb_build_object('amount', r.amount, 'currency', r.currency) from refunds r where r.booking_id = b.id)`,
      change: change && sql`${JSON.stringify(change)}::jsonb`,
      booking: {
        id: sql`b.id`,
        status: sql`b.status`,
        seats: onLeg("bf", seatOf),
        passengers: onLeg("bf", passengerOf),
        legs: sql`(select jsonb_agg(${flightJson("lf", "lo", "ld")} || jsonb_build_object(
            'cabin', l.cabin, 'seats', ${onLeg("l", seatOf)}, 'passengers', ${onLeg("l", passengerOf)}) order by l.position)
          from booking_flights l join flights lf on lf.id = l.flight_id
          join airports lo on lo.code = lf.origin join airports ld on ld.code = lf.destination
          where l.booking_id = b.id)`,
        totalAmount: sql`jsonb_build_object('amount', b.total_amount, 'currency', b.currency)`,
        holdExpiresAt: sql`b.hold_expires_at`,
      },
    })}
    from (select t.booking_id, t.flight_id, gen_random_uuid() as event_id
          from unnest(${uuidArray(ids)}, ${sql`array[${sql.join(flightIds.map((f) => sql`${f}::uuid`), sql`, `)}]`}) as t(booking_id, flight_id)) e
    join bookings b on b.id = e.booking_id
    join booking_flights bf on bf.booking_id = b.id and (bf.flight_id = e.flight_id or (e.flight_id is null and bf.position = 0))
    join flights f on f.id = bf.flight_id
    join airports o on o.code = f.origin
    join airports d on d.code = f.destination
    join users u on u.id = b.user_id
    ${wakeRelay}`);
}

/** What a new hold's event is made of when the hold's own statement writes it (see heldEventInsert). */
export interface HeldEventParts {
  /** eventUserJson, read with the flights. */
  user: string;
  /** Each flight as eventFlightJson read it, with its cabin and seats, in journey order. */
  legs: (Record<string, unknown> & { cabin: string; seats: string[]; passengers: { name: string; seat: string }[] })[];
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
  const first = parts.legs[0]!;
  const { cabin: _cabin, seats: _seats, passengers: _passengers, ...flightOnly } = first;
  return sql`
    insert into outbox_events (id, type, payload)
    select ${eventId}, ${eventSubject("held")}, ${eventPayload({
      eventId,
      type: "held",
      flight: json(flightOnly),
      user: sql`${parts.user}::jsonb`,
      refund: sql`null::jsonb`,
      booking: {
        id: sql`${booking}.id`,
        status: sql`'held'::text`,
        seats: json(first.seats),
        passengers: json(first.passengers),
        legs: json(parts.legs),
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
