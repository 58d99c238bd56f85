import { sql } from "drizzle-orm";
import { inTransaction, type Queryable, type Transaction } from "../../../db/client";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError } from "../../../shared/errors";
import type { Amount } from "../../../shared/schemas";
import { lockBooking } from "./bookings";
import { recordBookingEvents } from "./events";
import { flightClosed, lockJourneyState } from "./flight-state";
import type { ImmediateProvider } from "./payment-provider";

type LockedBooking = Awaited<ReturnType<typeof lockBooking>>;

/**
 * Whether a booking the caller has locked may be paid `amount` now: it must still be held, its
 * flights open, the amount its total, and its seats, locked too, still its own and unexpired by
 * the clock at this moment. Throws the API's error otherwise.
 */
export async function checkPayable(tx: Transaction, booking: LockedBooking, amount: Amount): Promise<void> {
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
    select held_until > clock_timestamp() as live from seats where booking_id = ${booking.id} order by flight_id, row, letter for update`);
  if (seats.length !== (await seatCount(tx, booking.id)) || seats.some((s) => !s.live)) {
    throw new AppError("BOOKING_EXPIRED", "The hold on this booking has expired.");
  }
}

/** How many seats a booking has when it owns all of them: a seat per passenger per flight. */
export async function seatCount(tx: Queryable, bookingId: string): Promise<number> {
  const [row] = (await tx.execute<{ seats: number }>(
    sql`select count(*)::int as seats from booking_passengers where booking_id = ${bookingId}`,
  )) as unknown as [{ seats: number }];
  return row.seats;
}

/** Sells a booking's seats and confirms it, with its payment: in the caller's transaction, under the booking's lock. */
export async function recordConfirmation(
  tx: Transaction,
  booking: { id: string; totalAmount: number; currency: string },
  provider: string,
  reference: string,
): Promise<string> {
  const [payment] = await tx.execute<{ id: string }>(sql`
    insert into payments (booking_id, amount, currency, provider, provider_reference)
    values (${booking.id}, ${booking.totalAmount}, ${booking.currency}, ${provider}, ${reference})
    returning id`);
  await tx.execute(sql`update seats set held_until = null where booking_id = ${booking.id}`);
  await tx.execute(sql`update bookings set status = 'confirmed', confirmed_at = now() where id = ${booking.id}`);
  await recordBookingEvents(tx, "confirmed", [booking.id]);
  return payment!.id;
}

/**
 * Pays for a held booking with an immediate provider and confirms it, under the booking's row
 * lock (checkPayable). So a payment racing the hold's expiry, a cancellation or the Cron Trigger
 * either confirms or fails; it never confirms a booking whose seats were let go. The provider is
 * in-process (approve-all): a provider that goes over the network is an IntentProvider and never
 * runs under these locks (payment-intents.ts).
 */
export function confirmPayment(
  db: Queryable,
  payer: Principal,
  bookingId: string,
  amount: Amount,
  provider: ImmediateProvider,
): Promise<{ bookingId: string; status: "confirmed"; paymentId: string }> {
  return inTransaction(db, async (tx) => {
    const booking = await lockBooking(tx, bookingId, payer, { adminMayAct: false });
    await checkPayable(tx, booking, amount);
    const charge = await provider.charge({ bookingId, amount: amount.amount, currency: amount.currency, idempotencyKey: bookingId });
    const paymentId = await recordConfirmation(tx, booking, provider.name, charge.reference);
    return { bookingId, status: "confirmed" as const, paymentId };
  });
}
