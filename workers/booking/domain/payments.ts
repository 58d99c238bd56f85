import { sql } from "drizzle-orm";
import { inTransaction, type Queryable } from "../../../db/client";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError } from "../../../shared/errors";
import type { Amount } from "../../../shared/schemas";
import { lockBooking } from "./bookings";
import { recordBookingEvents } from "./events";
import { flightClosed, lockJourneyState } from "./flight-state";
import type { PaymentProvider } from "./payment-provider";

/**
 * Pays for a held booking and confirms it. Under the booking's row lock: it must still be held,
 * the amount must equal its total, and its seats, locked too, must still be its own and unexpired
 * by the clock at this moment. So a payment racing the hold's expiry, a cancellation or the Cron
 * Trigger either confirms or fails; it never confirms a booking whose seats were let go.
 */
export function confirmPayment(
  db: Queryable,
  payer: Principal,
  bookingId: string,
  amount: Amount,
  provider: PaymentProvider,
): Promise<{ bookingId: string; status: "confirmed"; paymentId: string }> {
  return inTransaction(db, async (tx) => {
    const booking = await lockBooking(tx, bookingId, payer, { adminMayAct: false });
    if (booking.status === "confirmed") throw new AppError("INVALID_STATE", "This booking is already paid.");
    if (booking.status === "cancelled") throw new AppError("INVALID_STATE", "This booking is cancelled.");
    if (booking.status === "expired") throw new AppError("BOOKING_EXPIRED", "The hold on this booking has expired.");
    const closed = flightClosed(await lockJourneyState(tx, booking.flightIds), "it cannot be paid for");
    if (closed) throw closed;
    if (amount.amount !== booking.totalAmount || amount.currency !== booking.currency) {
      throw new AppError("AMOUNT_MISMATCH", "The amount must equal the booking's total.", {
        details: { expected: { amount: booking.totalAmount, currency: booking.currency } },
      });
    }
    const seats = await tx.execute<{ live: boolean }>(sql`
      select held_until > clock_timestamp() as live from seats where booking_id = ${bookingId} order by flight_id, row, letter for update`);
    const [{ passengers }] = (await tx.execute<{ passengers: number }>(
      sql`select count(*)::int as passengers from booking_passengers where booking_id = ${bookingId}`,
    )) as unknown as [{ passengers: number }];
    if (seats.length !== passengers || seats.some((s) => !s.live)) {
      throw new AppError("BOOKING_EXPIRED", "The hold on this booking has expired.");
    }

    const charge = await provider.charge({ bookingId, amount: amount.amount, currency: amount.currency, idempotencyKey: bookingId });
    const [payment] = await tx.execute<{ id: string }>(sql`
      insert into payments (booking_id, amount, currency, provider, provider_reference)
      values (${bookingId}, ${amount.amount}, ${amount.currency}, ${provider.name}, ${charge.reference})
      returning id`);
    await tx.execute(sql`update seats set held_until = null where booking_id = ${bookingId}`);
    await tx.execute(sql`update bookings set status = 'confirmed', confirmed_at = now() where id = ${bookingId}`);
    await recordBookingEvents(tx, "confirmed", [bookingId]);
    return { bookingId, status: "confirmed" as const, paymentId: payment!.id };
  });
}
