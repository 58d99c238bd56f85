import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { bookings } from "../../../db/schema";
import { confirmAdmin } from "../../../shared/auth/middleware";
import type { Principal } from "../../../shared/auth/tokens";
import { notFound } from "../../../shared/errors";
import { keyset, type Page, type PageRequest } from "../../../shared/pagination";
import type { BookingView } from "../schemas";

interface BookingRow extends Record<string, unknown> {
  id: string;
  status: BookingView["status"];
  total_amount: string | number;
  currency: string;
  hold_expires_at: string | Date;
  created_at: string | Date;
  legs: { flightId: string; cabin: BookingView["flights"][number]["cabin"]; fare: number; passengers: { name: string; seat: string }[] | null }[];
  payment_id: string | null;
  changes: BookingView["changes"] | null;
  refunds: { id: string; amount: string | number; currency: string; status: BookingView["refunds"][number]["status"]; createdAt: string }[] | null;
}

const iso = (v: string | Date) => new Date(v).toISOString();

// A hold past its deadline is expired in effect before the Cron Trigger records it.
const selectBookings = (where: SQL, tail: SQL = sql``) => sql`
  select b.id, b.total_amount, b.currency, b.hold_expires_at, b.created_at,
    case when b.status = 'held' and b.hold_expires_at <= now() then 'expired' else b.status::text end as status,
    (select jsonb_agg(jsonb_build_object('flightId', bf.flight_id, 'cabin', bf.cabin, 'fare', bf.fare_amount, 'passengers',
        (select jsonb_agg(jsonb_build_object('name', p.name, 'seat', p.row || p.letter) order by p.position)
           from booking_passengers p where p.booking_id = b.id and p.flight_id = bf.flight_id)) order by bf.position)
       from booking_flights bf where bf.booking_id = b.id) as legs,
    (select pay.id from payments pay where pay.booking_id = b.id) as payment_id,
    (select jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind, 'status', bc.status, 'before', c.before, 'after', c.after,
        'availableActions', case when bc.status = 'pending' and b.status in ('held', 'confirmed') then '["accept", "cancel"]'::jsonb else '[]'::jsonb end)
       order by c.created_at)
       from booking_changes bc join flight_changes c on c.id = bc.change_id where bc.booking_id = b.id) as changes,
    (select jsonb_agg(jsonb_build_object('id', r.id, 'amount', r.amount, 'currency', r.currency, 'status', r.status, 'createdAt', r.created_at) order by r.created_at, r.id)
       from refunds r where r.booking_id = b.id) as refunds
  from bookings b where ${where} ${tail}`;

function view(row: BookingRow): BookingView {
  const flights = row.legs.map((leg) => {
    const passengers = leg.passengers ?? [];
    return { flightId: leg.flightId, cabin: leg.cabin, fare: { amount: Number(leg.fare), currency: row.currency }, seats: passengers.map((p) => p.seat), passengers };
  });
  const first = flights[0]!;
  return {
    id: row.id,
    status: row.status,
    flightId: first.flightId,
    seats: first.seats,
    passengers: first.passengers,
    flights,
    totalAmount: { amount: Number(row.total_amount), currency: row.currency },
    holdExpiresAt: iso(row.hold_expires_at),
    createdAt: iso(row.created_at),
    paymentId: row.payment_id,
    changes: row.changes ?? [],
    refunds: (row.refunds ?? []).map((r) => ({ id: r.id, amount: { amount: Number(r.amount), currency: r.currency.trim() }, status: r.status, createdAt: iso(r.createdAt) })),
  };
}

/** A booking its owner (or an admin) may see; anyone else gets 404, never a hint it exists. */
export async function findBooking(db: Queryable, viewer: Principal, id: string): Promise<BookingView> {
  const owner = viewer.roles.includes("admin") ? sql`true` : sql`b.user_id = ${viewer.userId}`;
  const [row] = await db.execute<BookingRow>(selectBookings(sql`b.id = ${id} and ${owner}`));
  if (!row) throw notFound("Booking");
  return view(row);
}

/** The caller's bookings, newest first, a keyset page at a time. */
export async function listBookings(db: Queryable, userId: string, { limit, cursor }: PageRequest): Promise<Page<BookingView>> {
  const page = keyset<BookingRow>(
    [
      { name: "createdAt", sql: sql`b.created_at`, type: "timestamp", descending: true, value: (b) => iso(b.created_at) },
      { name: "id", sql: sql`b.id`, type: "uuid", descending: true, value: (b) => b.id },
    ],
    cursor,
  );
  const rows = await db.execute<BookingRow>(
    selectBookings(and(sql`b.user_id = ${userId}`, page.after)!, sql`order by ${sql.join(page.orderBy, sql`, `)} limit ${limit + 1}`),
  );
  return page.page(rows, limit, view);
}

/** Locks a booking row for a state change; 404 unless `viewer` may act on it. With it: its flights, in journey order. */
export async function lockBooking(tx: Queryable, id: string, viewer: Principal, { adminMayAct }: { adminMayAct: boolean }) {
  const mayAct = adminMayAct && viewer.roles.includes("admin");
  const [booking] = await tx
    .select({
      ...getTableColumns(bookings),
      holdExpired: sql<boolean>`${bookings.holdExpiresAt} <= now()`,
      flightIds: sql<string[]>`(select json_agg(bf.flight_id order by bf.position) from booking_flights bf where bf.booking_id = ${bookings.id})`,
    })
    .from(bookings)
    .where(mayAct ? eq(bookings.id, id) : and(eq(bookings.id, id), eq(bookings.userId, viewer.userId)))
    .for("update");
  if (!booking) throw notFound("Booking");
  // Acting on another's booking is an admin action: the admin role is confirmed live.
  if (booking.userId !== viewer.userId) await confirmAdmin(tx, viewer);
  return booking;
}

export interface ManifestEntryView {
  id: string;
  status: BookingView["status"];
  user: { id: string; email: string; name: string };
  passengers: { name: string; seat: string }[];
  totalAmount: { amount: number; currency: string };
  createdAt: string;
}

/** A flight's passenger manifest (admin): every booking with its customer, passengers, seats and status. */
export async function flightManifest(db: Queryable, flightId: string, { limit, cursor }: PageRequest): Promise<Page<ManifestEntryView>> {
  const [flight] = await db.execute(sql`select 1 from flights where id = ${flightId}`);
  if (!flight) throw notFound("Flight");
  const page = keyset<BookingRow & { user_id: string; email: string; name: string }>(
    [{ name: "id", sql: sql`b.id`, type: "uuid", value: (b) => b.id }],
    cursor,
  );
  const rows = await db.execute<BookingRow & { user_id: string; email: string; name: string }>(sql`
    select s.*, u.id as user_id, u.email, u.name from (
      ${selectBookings(
        and(sql`b.id in (select booking_id from booking_flights where flight_id = ${flightId})`, page.after)!,
        sql`order by ${sql.join(page.orderBy, sql`, `)} limit ${limit + 1}`,
      )}
    ) s join bookings b on b.id = s.id join users u on u.id = b.user_id
    order by s.id`);
  return page.page(rows, limit, (r) => {
    const booking = view(r);
    return {
      id: booking.id,
      status: booking.status,
      user: { id: r.user_id, email: r.email, name: r.name },
      // Their seats on this flight, whichever of the booking's flights it is.
      passengers: booking.flights.find((f) => f.flightId === flightId)?.passengers ?? [],
      totalAmount: booking.totalAmount,
      createdAt: booking.createdAt,
    };
  });
}
