import { sql } from "drizzle-orm";
import type { Database, Transaction } from "../../../db/client";
import { uuidArray } from "../../../db/sql";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError } from "../../../shared/errors";
import { describeError, log } from "../../../shared/http/log";
import type { Amount } from "../../../shared/schemas";
import { lockBooking } from "./bookings";
import { recordBookingEvents } from "./events";
import { flightClosed, lockJourneyState } from "./flight-state";
import type { Intent, IntentProvider, ProviderEvent } from "./payment-provider";
import { checkPayable, recordConfirmation, seatCount } from "./payments";

export interface PaymentStarted {
  bookingId: string;
  /** The booking's status: still `held` until the provider's webhook says the money arrived. */
  status: "held";
  paymentIntentId: string;
  clientSecret: string;
  /** The PaymentIntent's own status (requires_payment_method, processing, succeeded, …). */
  paymentStatus: string;
  /** The hold's real deadline, after any extension. */
  holdExpiresAt: string;
}

/** The Stripe idempotency key of a booking's PaymentIntent: one intent per booking, however often it is asked for. */
export const intentKey = (bookingId: string) => `booking-${bookingId}-payment`;

/**
 * Starts (or resumes) paying for a held booking with an intent provider, in three steps so that no
 * PostgreSQL lock is held while the provider is called:
 * 1. one short transaction locks the booking and its seats, checks it may be paid (as an immediate
 *    payment does) and, the first time, extends the hold: to `holdMinutes` from now, but never
 *    more than `holdMinutes` past the original deadline in total, nor past the first departure;
 * 2. the provider is called with no transaction open (its idempotency key is the booking's, so a
 *    retry or a concurrent request gets the same PaymentIntent);
 * 3. another short statement records the intent.
 * The booking stays `held`; the provider's webhook confirms it (handlePaymentEvent).
 */
export async function startPayment(
  db: Database,
  payer: Principal,
  bookingId: string,
  amount: Amount,
  provider: IntentProvider,
  holdMinutes: number,
): Promise<PaymentStarted> {
  const reserved = await db.transaction(async (tx) => {
    const booking = await lockBooking(tx, bookingId, payer, { adminMayAct: false });
    await checkPayable(tx, booking, amount);
    const [existing] = await tx.execute<{ provider_reference: string; client_secret: string; status: string }>(sql`
      select provider_reference, client_secret, status from payment_intents where booking_id = ${bookingId}`);
    if (!existing) await extendHold(tx, bookingId, holdMinutes);
    const [deadline] = await tx.execute<{ at: string | Date }>(sql`select hold_expires_at as at from bookings where id = ${bookingId}`);
    return { existing, holdExpiresAt: new Date(deadline!.at).toISOString() };
  });

  let intent: Intent;
  try {
    intent = reserved.existing
      ? await provider.retrieveIntent(reserved.existing.provider_reference)
      : await provider.createIntent({ bookingId, amount: amount.amount, currency: amount.currency, idempotencyKey: intentKey(bookingId) });
  } catch (err) {
    // Its last known state is still a good answer for a client that only needs the secret again.
    if (reserved.existing) {
      intent = { reference: reserved.existing.provider_reference, clientSecret: reserved.existing.client_secret, status: reserved.existing.status, amount: amount.amount, currency: amount.currency };
    } else {
      log("warn", "payment provider call failed", { worker: "booking", bookingId, provider: provider.name, ...describeError(err) });
      throw new AppError("DEPENDENCY_UNAVAILABLE", "The payment processor is unavailable; try again shortly.", { details: { provider: provider.name } });
    }
  }

  // The webhook may have recorded a later status already: a succeeded intent never goes back.
  await db.execute(sql`
    insert into payment_intents (booking_id, provider, provider_reference, client_secret, status, amount, currency)
    values (${bookingId}, ${provider.name}, ${intent.reference}, ${intent.clientSecret}, ${intent.status}, ${intent.amount}, ${intent.currency})
    on conflict (booking_id) do update set status = excluded.status, updated_at = now()
    where payment_intents.status <> 'succeeded'`);
  return {
    bookingId,
    status: "held",
    paymentIntentId: intent.reference,
    clientSecret: intent.clientSecret,
    paymentStatus: intent.status,
    holdExpiresAt: reserved.holdExpiresAt,
  };
}

/**
 * Paying takes time (a card form, a 3-D Secure challenge), so the first payment attempt moves the
 * deadline to `minutes` from now, capped at twice `minutes` after the hold was made (its original
 * deadline plus at most `minutes`, however often a failed attempt is retried) and at the first
 * departure. Never shortens it. The booking's
 * deadline and its seats' move together: readers apply the seats' (db/availability.ts).
 */
async function extendHold(tx: Transaction, bookingId: string, minutes: number) {
  const [row] = await tx.execute<{ at: string | Date }>(sql`
    update bookings b set hold_expires_at = greatest(b.hold_expires_at, least(
        now() + make_interval(mins => ${minutes}),
        b.created_at + make_interval(mins => ${2 * minutes}),
        (select min(f.departure_time) from booking_flights bf join flights f on f.id = bf.flight_id where bf.booking_id = b.id)))
    where b.id = ${bookingId}
    returning b.hold_expires_at as at`);
  await tx.execute(sql`update seats set held_until = ${new Date(row!.at).toISOString()}::timestamptz where booking_id = ${bookingId}`);
}

export type EventOutcome = "duplicate" | "confirmed" | "refunded" | "already_paid" | "recorded" | "ignored";

/**
 * Acts on one verified provider event, once: its id is claimed in the same transaction as the
 * work, so two deliveries at once wait for each other and the second changes nothing, and a
 * failed attempt leaves nothing behind for the provider's retry. Answers what happened and, when
 * a refund was recorded, the booking to refund (the caller issues it after the commit).
 */
export function handlePaymentEvent(db: Database, provider: IntentProvider, event: ProviderEvent): Promise<{ outcome: EventOutcome; refundBookingId?: string }> {
  return db.transaction(async (tx) => {
    const claimed = await tx.execute(sql`
      insert into payment_webhook_events (id, provider, type) values (${event.id}, ${provider.name}, ${event.type})
      on conflict (id) do nothing returning id`);
    if (claimed.length === 0) return { outcome: "duplicate" as const };
    if (event.type === "payment_intent.succeeded" && event.intent) return paymentSucceeded(tx, provider.name, event.intent);
    if (event.intent) {
      // failed, canceled, processing, requires_action: the hold runs its course; only the status is kept.
      await tx.execute(sql`
        update payment_intents set status = ${event.intent.status}, updated_at = now()
        where provider = ${provider.name} and provider_reference = ${event.intent.reference} and status <> 'succeeded'`);
      return { outcome: "recorded" as const };
    }
    if (event.refund) {
      const status = event.refund.status === "succeeded" ? "succeeded" : ["failed", "canceled"].includes(event.refund.status) ? "failed" : null;
      if (status) await tx.execute(sql`update refunds set status = ${status} where provider_reference = ${event.refund.reference}`);
      return { outcome: "recorded" as const };
    }
    return { outcome: "ignored" as const };
  });
}

/**
 * The money arrived. If the booking is still held and every one of its seats is still its own
 * (its deadline may have passed, but nobody took them), it is confirmed: the seats are locked
 * here, so a buyer taking a lapsed seat at this moment either got it first (and this payment is
 * refunded) or finds it sold. Otherwise (expired and let go, cancelled, the flight cancelled or
 * departed, a wrong amount) the payment is recorded with a refund, and the customer is told.
 */
async function paymentSucceeded(tx: Transaction, providerName: string, intent: Intent & { bookingId: string | null }) {
  const [known] = await tx.execute<{ booking_id: string }>(sql`
    select booking_id from payment_intents where provider = ${providerName} and provider_reference = ${intent.reference}`);
  const bookingId = known?.booking_id ?? intent.bookingId;
  if (!bookingId || !/^[0-9a-f-]{36}$/i.test(bookingId)) return { outcome: "ignored" as const };
  const [booking] = await tx.execute<{ id: string; status: string; total_amount: string | number; currency: string; flight_ids: string[] }>(sql`
    select b.id, b.status, b.total_amount, b.currency,
      (select json_agg(bf.flight_id order by bf.position) from booking_flights bf where bf.booking_id = b.id) as flight_ids
    from bookings b where b.id = ${bookingId} for update`);
  if (!booking) return { outcome: "ignored" as const };

  await tx.execute(sql`
    insert into payment_intents (booking_id, provider, provider_reference, client_secret, status, amount, currency)
    values (${bookingId}, ${providerName}, ${intent.reference}, ${intent.clientSecret}, 'succeeded', ${intent.amount}, ${intent.currency})
    on conflict (booking_id) do update set status = 'succeeded', updated_at = now()`);
  const [paid] = await tx.execute<{ provider_reference: string }>(sql`select provider_reference from payments where booking_id = ${bookingId}`);
  if (paid) {
    // The same intent again under another event id: nothing to do. Another one: it cannot be kept.
    if (paid.provider_reference === intent.reference) return { outcome: "already_paid" as const };
    // One intent per booking makes this unreachable; if it ever happens, a person must look.
    log("error", "a second payment succeeded for a paid booking", { worker: "booking", bookingId, reference: intent.reference, paid: paid.provider_reference });
    return { outcome: "ignored" as const };
  }

  const total = Number(booking.total_amount);
  const flightsOpen = !flightClosed(await lockJourneyState(tx, booking.flight_ids), "it cannot be paid for");
  const owned = await tx.execute(sql`select 1 from seats where booking_id = ${bookingId} order by flight_id, row, letter for update`);
  const seatsOwned = owned.length === (await seatCount(tx, bookingId));
  const keepsSeats = booking.status === "held" && flightsOpen && seatsOwned;
  const rightAmount = intent.amount === total && intent.currency === booking.currency;
  const target = { id: bookingId, totalAmount: total, currency: booking.currency };
  if (keepsSeats && rightAmount) {
    await recordConfirmation(tx, target, providerName, intent.reference);
    return { outcome: "confirmed" as const };
  }

  // Too late (or wrong): keep the record of the money, and give it back.
  const [payment] = await tx.execute<{ id: string }>(sql`
    insert into payments (booking_id, amount, currency, provider, provider_reference)
    values (${bookingId}, ${intent.amount}, ${intent.currency}, ${providerName}, ${intent.reference}) returning id`);
  await tx.execute(sql`
    insert into refunds (booking_id, payment_id, amount, currency) values (${bookingId}, ${payment!.id}, ${intent.amount}, ${intent.currency})
    on conflict (payment_id) do nothing`);
  if (booking.status === "held" && !seatsOwned) {
    // Its hold lapsed and some seat went to another buyer: what the Cron Trigger would record.
    await tx.execute(sql`update seats set booking_id = null, held_until = null where booking_id = ${bookingId}`);
    await tx.execute(sql`update bookings set status = 'expired', expired_at = now() where id = ${bookingId}`);
  }
  await recordBookingEvents(tx, "payment_refunded", [bookingId]);
  return { outcome: "refunded" as const, refundBookingId: bookingId };
}

/**
 * Cancels at Stripe the open intents of bookings that can no longer be paid for (cancelled or
 * expired), so a customer whose page is still open is refused by Stripe instead of being charged
 * and refunded (a refund costs the processor's fee). Best effort, outside any transaction: an
 * intent Stripe will not cancel (the customer just paid) is left to the webhook, which refunds it.
 * After a cancellation (for that booking) and from the Cron Trigger (for expired holds).
 */
export async function cancelAbandonedIntents(db: Database, provider: IntentProvider, { bookingIds, limit = 50 }: { bookingIds?: string[]; limit?: number } = {}) {
  const only = bookingIds ? sql`and i.booking_id = any(${uuidArray(bookingIds)})` : sql``;
  const open = await db.execute<{ provider_reference: string }>(sql`
    select i.provider_reference from payment_intents i join bookings b on b.id = i.booking_id
    -- Statuses in which the customer could still pay.
    where i.provider = ${provider.name} and i.status in ('requires_payment_method', 'requires_confirmation', 'requires_action')
      and (b.status in ('cancelled', 'expired') or (b.status = 'held' and b.hold_expires_at <= now())) ${only}
    limit ${limit}`);
  let cancelled = 0;
  for (const { provider_reference: reference } of open) {
    let status: string;
    try {
      status = (await provider.cancelIntent(reference, `cancel-${reference}`)).status;
      cancelled++;
    } catch {
      // Already paid or processing (the webhook decides), or Stripe unreachable (the next run retries).
      status = (await provider.retrieveIntent(reference).catch(() => null))?.status ?? "";
      if (!status) continue;
    }
    await db.execute(sql`
      update payment_intents set status = ${status}, updated_at = now()
      where provider = ${provider.name} and provider_reference = ${reference} and status <> 'succeeded'`);
  }
  return cancelled;
}
