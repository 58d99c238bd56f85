import { sql } from "drizzle-orm";
import { inTransaction, type Queryable, type Transaction } from "../../../db/client";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError } from "../../../shared/errors";
import { lockBooking } from "./bookings";
import { recordBookingEvents } from "./events";
import { lockJourneyState } from "./flight-state";

/**
 * Cancels a held or confirmed booking (owner or admin). Its seats are free again in the same
 * transaction; a paid booking records a refund of its payment. Cancelling twice answers the same.
 */
export function cancelBooking(db: Queryable, actor: Principal, bookingId: string) {
  return inTransaction(db, async (tx) => cancelLocked(tx, await lockBooking(tx, bookingId, actor, { adminMayAct: true })));
}

type LockedBooking = Awaited<ReturnType<typeof lockBooking>>;

/** The cancellation itself, for a booking the caller has locked (cancelBooking, a customer declining a change). */
export async function cancelLocked(tx: Transaction, booking: LockedBooking) {
  const answer = { id: booking.id, status: "cancelled" as const };
  if (booking.status === "cancelled") return answer;
  if (booking.status === "expired" || (booking.status === "held" && booking.holdExpired)) {
    throw new AppError("INVALID_STATE", "This hold has already expired; there is nothing to cancel.");
  }
  // Once the flight has left, a booking is used (or forfeited): no cancellation, no refund. A
  // flight the airline cancelled never departs, so its bookings can still be cancelled.
  const flight = await lockJourneyState(tx, booking.flightIds);
  if (flight.departed && !flight.cancelled) {
    throw new AppError("INVALID_STATE", "This flight has departed; the booking can no longer be cancelled or refunded.", {
      details: { reason: "FLIGHT_DEPARTED" },
    });
  }
  await tx.execute(sql`update seats set booking_id = null, held_until = null where booking_id = ${booking.id}`);
  if (booking.status === "confirmed") {
    await tx.execute(sql`
      insert into refunds (booking_id, payment_id, amount, currency)
      select booking_id, id, amount, currency from payments where booking_id = ${booking.id}
      on conflict (payment_id) do nothing`);
  }
  await tx.execute(sql`update bookings set status = 'cancelled', cancelled_at = now() where id = ${booking.id}`);
  await recordBookingEvents(tx, "cancelled", [booking.id]);
  return answer;
}
