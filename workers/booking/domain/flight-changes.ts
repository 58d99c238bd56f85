import { sql } from "drizzle-orm";
import type { Database, Queryable, Transaction } from "../../../db/client";
import { uuidArray } from "../../../db/sql";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError, notFound, validationFailed } from "../../../shared/errors";
import type { BookingEventType, FlightChange } from "../../../shared/events";
import type { CabinLayout } from "../../../db/schema/catalog";
import { findFlight, type FlightView, saveFares, scheduleAssignments } from "../../../shared/flights";
import { keyset, type Page, type PageRequest } from "../../../shared/pagination";
import { faresOf, scheduleProblem } from "../../../shared/schemas";
import type { FlightChangeInput } from "../schemas";
import { recordBookingEvents, recordFlightChanged } from "./events";

/**
 * Airline-initiated changes of a flight (the airline's actor, beside the customer's): a new
 * schedule, a delay, a gate, a cancellation. Each is recorded in `flight_changes` with what changed,
 * and announced once per live booking (held and unexpired, or confirmed) as an outbox event. A
 * significant schedule change lets each customer accept it or cancel with a full refund; a
 * cancellation cancels and refunds every booking, in short batches after the change commits.
 */

/** The change's kind, from the fields that changed: a cancellation above all, then a delay, a schedule, a gate. */
function kindOf(after: Record<string, unknown>): FlightChange["kind"] | undefined {
  if (after.status === "cancelled") return "cancelled";
  if (after.status === "delayed") return "delayed";
  if ("departureTime" in after || "arrivalTime" in after || "status" in after) return "schedule_changed";
  if ("boardingGate" in after) return "gate_changed";
  return undefined;
}

const eventOf: Record<FlightChange["kind"], BookingEventType> = {
  schedule_changed: "schedule_changed",
  delayed: "delayed",
  gate_changed: "gate_changed",
  cancelled: "flight_cancelled",
};

/** A booking the airline's change reaches: one of its flights, confirmed, or held and still live. */
const liveBookings = (flightId: string) => sql`
  select b.id from booking_flights bf join bookings b on b.id = bf.booking_id
  where bf.flight_id = ${flightId} and (b.status = 'confirmed' or (b.status = 'held' and b.hold_expires_at > now()))`;

/** Events about the changed flight, whichever of each booking's flights it is. */
const aboutFlight = (bookingIds: string[], flightId: string) => bookingIds.map((bookingId) => ({ bookingId, flightId }));

export interface ChangeAnswer {
  flight: FlightView;
  change: (FlightChange & { bookingsAffected: number }) | null;
}

/**
 * Applies an admin's change to a flight, under the flight's row lock (holds, payments and
 * cancellations on it lock the same row, shared, so each of them is decided before or after the
 * change, never across it). Price-only changes are not announced. A cancelled flight stays
 * cancelled: it takes no further changes.
 */
export async function changeFlight(
  db: Database,
  admin: Principal,
  flightId: string,
  input: FlightChangeInput,
  scheduleChangeMinutes: number,
): Promise<ChangeAnswer> {
  return db.transaction(async (tx) => {
    const [current] = await tx.execute<{ departure: Date; arrival: Date; status: string; gate: string | null; currency: string; cabins: CabinLayout[] }>(sql`
      select f.departure_time as departure, f.arrival_time as arrival, f.status, f.boarding_gate as gate, f.currency, a.cabins
      from flights f join airplanes a on a.id = f.airplane_id where f.id = ${flightId} for update of f`);
    if (!current) throw notFound("Flight");
    if (current.status === "cancelled") {
      throw new AppError("INVALID_STATE", "This flight is cancelled; it cannot be changed any more.", { details: { reason: "FLIGHT_CANCELLED" } });
    }
    const was = {
      departureTime: new Date(current.departure).toISOString(),
      arrivalTime: new Date(current.arrival).toISOString(),
      status: current.status,
      boardingGate: current.gate,
    };
    const now = {
      departureTime: input.departureTime === undefined ? was.departureTime : new Date(input.departureTime).toISOString(),
      arrivalTime: input.arrivalTime === undefined ? was.arrivalTime : new Date(input.arrivalTime).toISOString(),
      status: input.status ?? was.status,
      boardingGate: input.boardingGate === undefined ? was.boardingGate : input.boardingGate,
    };
    const problem = scheduleProblem(now.departureTime, now.arrivalTime);
    if (problem) throw validationFailed([{ path: "arrivalTime", message: problem }]);

    await tx.execute(sql`
      update flights set ${scheduleAssignments(now.departureTime, now.arrivalTime)},
        boarding_gate = ${now.boardingGate}, status = ${now.status}::flight_status, updated_at = now()
      from airports as origin_airport
      where flights.id = ${flightId} and origin_airport.code = flights.origin`);
    // New fares apply to bookings made from now on; booked ones keep what they paid (not announced).
    const fares = faresOf(input);
    if (fares) {
      const other = Object.entries(fares).find(([, fare]) => fare!.currency !== current.currency);
      if (other) throw validationFailed([{ path: `prices.${other[0]}`, message: `must be in ${current.currency}, the flight's currency` }]);
      await saveFares(tx, flightId, fares, current.cabins);
    }

    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const field of Object.keys(was) as (keyof typeof was)[]) {
      if (was[field] !== now[field]) {
        before[field] = was[field];
        after[field] = now[field];
      }
    }
    const kind = kindOf(after);
    const flight = await findFlight(tx, flightId);
    if (!kind) return { flight, change: null };

    const moved = Math.abs(Date.parse(now.departureTime) - Date.parse(was.departureTime)) / 60_000;
    const significant = kind !== "cancelled" && moved > scheduleChangeMinutes;
    const bookingIds = (await tx.execute<{ id: string }>(liveBookings(flightId))).map((b) => b.id);
    const [row] = await tx.execute<{ id: string }>(sql`
      insert into flight_changes (flight_id, kind, before, after, significant, changed_by, bookings_affected, completed_at)
      values (${flightId}, ${kind}, ${JSON.stringify(before)}::jsonb, ${JSON.stringify(after)}::jsonb, ${significant},
        ${admin.userId}, ${bookingIds.length}, ${kind === "cancelled" ? null : sql`now()`})
      returning id`);
    const change: FlightChange = { id: row!.id, kind, before, after, significant };
    await recordFlightChanged(tx, flightId, { ...change, bookingsAffected: bookingIds.length });
    if (kind !== "cancelled") {
      // Announced in this transaction: one event per live booking, and each customer's choice
      // when the change is significant. A cancellation is announced by its cascade, per batch.
      if (significant && bookingIds.length > 0) {
        await tx.execute(sql`
          insert into booking_changes (booking_id, change_id)
          select id, ${change.id}::uuid from unnest(${uuidArray(bookingIds)}) as ids(id)`);
      }
      await recordBookingEvents(tx, eventOf[kind], aboutFlight(bookingIds, flightId), change);
      await tx.execute(sql`update flight_changes set bookings_processed = bookings_affected where id = ${change.id}`);
    }
    return { flight, change: { ...change, bookingsAffected: bookingIds.length } };
  });
}

/**
 * Carries an airline cancellation through the flight's bookings, `batchSize` per transaction:
 * each batch cancels its bookings, frees their seats, refunds the confirmed ones and announces
 * each (bookings.flight_cancelled), and counts them on the change. A booking another request holds
 * right now (a payment deciding) is skipped and taken by a later batch. Safe to run twice at once
 * (SKIP LOCKED) and to resume after a crash: the Cron Trigger calls it for every open change.
 */
export async function cascadeCancellation(db: Database, changeId: string, batchSize: number): Promise<{ cancelled: number; done: boolean }> {
  let cancelled = 0;
  for (let idle = 0; idle < 20; ) {
    const batch = await db.transaction((tx) => cancelBatch(tx, changeId, batchSize));
    if (batch === "done") return { cancelled, done: true };
    cancelled += batch;
    if (batch === 0) {
      idle++; // everything left is locked by requests in flight: give them a moment
      await new Promise((resolve) => setTimeout(resolve, 25 * idle));
    }
  }
  return { cancelled, done: false };
}

async function cancelBatch(tx: Transaction, changeId: string, batchSize: number): Promise<number | "done"> {
  const [change] = await tx.execute<{ flight_id: string; kind: FlightChange["kind"]; before: Record<string, unknown>; after: Record<string, unknown>; completed: boolean }>(sql`
    select flight_id, kind, before, after, completed_at is not null as completed from flight_changes where id = ${changeId}`);
  if (!change || change.completed || change.kind !== "cancelled") return "done";
  const ids = (
    await tx.execute<{ id: string }>(sql`${liveBookings(change.flight_id)} order by b.id limit ${batchSize} for update of b skip locked`)
  ).map((b) => b.id);
  if (ids.length === 0) {
    const [left] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from (${liveBookings(change.flight_id)}) live`);
    if ((left?.n ?? 0) > 0) return 0;
    await tx.execute(sql`update flight_changes set completed_at = now() where id = ${changeId} and completed_at is null`);
    return "done";
  }
  const batch = uuidArray(ids);
  await tx.execute(sql`update seats set booking_id = null, held_until = null where booking_id = any(${batch})`);
  await tx.execute(sql`
    insert into refunds (booking_id, payment_id, amount, currency)
    select p.booking_id, p.id, p.amount, p.currency from payments p join bookings b on b.id = p.booking_id
    where p.booking_id = any(${batch}) and b.status = 'confirmed'
    on conflict (payment_id) do nothing`);
  await tx.execute(sql`update bookings set status = 'cancelled', cancelled_at = now() where id = any(${batch})`);
  await recordBookingEvents(tx, "flight_cancelled", aboutFlight(ids, change.flight_id), {
    id: changeId,
    kind: "cancelled",
    before: change.before,
    after: change.after,
    significant: false,
  });
  await tx.execute(sql`update flight_changes set bookings_processed = bookings_processed + ${ids.length} where id = ${changeId}`);
  return ids.length;
}

/** Cascades left unfinished (the worker that started one stopped): for the Cron Trigger. */
export async function resumeCancellations(db: Database, batchSize: number): Promise<number> {
  const open = await db.execute<{ id: string }>(sql`
    select id from flight_changes where completed_at is null and kind = 'cancelled' order by created_at limit 100`);
  let cancelled = 0;
  for (const { id } of open) cancelled += (await cascadeCancellation(db, id, batchSize)).cancelled;
  return cancelled;
}

export interface FlightChangeView extends FlightChange {
  flightId: string;
  changedBy: string | null;
  createdAt: string;
  bookingsAffected: number;
  bookingsProcessed: number;
  completedAt: string | null;
  state: "in_progress" | "completed";
}

interface ChangeRow extends Record<string, unknown> {
  id: string;
  flight_id: string;
  kind: FlightChange["kind"];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  significant: boolean;
  changed_by: string | null;
  created_at: string | Date;
  bookings_affected: number;
  bookings_processed: number;
  completed_at: string | Date | null;
}

const changeView = (r: ChangeRow): FlightChangeView => ({
  id: r.id,
  flightId: r.flight_id,
  kind: r.kind,
  before: r.before,
  after: r.after,
  significant: r.significant,
  changedBy: r.changed_by,
  createdAt: new Date(r.created_at).toISOString(),
  bookingsAffected: r.bookings_affected,
  bookingsProcessed: r.bookings_processed,
  completedAt: r.completed_at === null ? null : new Date(r.completed_at).toISOString(),
  state: r.completed_at === null ? "in_progress" : "completed",
});

const selectChanges = sql`
  select id, flight_id, kind, before, after, significant, changed_by, created_at, bookings_affected, bookings_processed, completed_at
  from flight_changes`;

export async function findFlightChange(db: Queryable, id: string): Promise<FlightChangeView> {
  const [row] = await db.execute<ChangeRow>(sql`${selectChanges} where id = ${id}`);
  if (!row) throw notFound("Flight change");
  return changeView(row);
}

/** A flight's changes, newest first. */
export async function listFlightChanges(db: Queryable, flightId: string, { limit, cursor }: PageRequest): Promise<Page<FlightChangeView>> {
  const [flight] = await db.execute(sql`select 1 from flights where id = ${flightId}`);
  if (!flight) throw notFound("Flight");
  const page = keyset<ChangeRow>(
    [
      { name: "createdAt", sql: sql`created_at`, type: "timestamp", descending: true, value: (r) => new Date(r.created_at).toISOString() },
      { name: "id", sql: sql`id`, type: "uuid", descending: true, value: (r) => r.id },
    ],
    cursor,
  );
  const rows = await db.execute<ChangeRow>(sql`
    ${selectChanges} where flight_id = ${flightId} and ${page.after ?? sql`true`}
    order by ${sql.join(page.orderBy, sql`, `)} limit ${limit + 1}`);
  return page.page(rows, limit, changeView);
}
