import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { uuidArray } from "../../../db/sql";
import type { PaymentProvider } from "./payment-provider";

/** The provider's idempotency key of a refund: derived from our row, so no retry refunds twice. */
export const refundKey = (refundId: string) => `refund-${refundId}`;

interface DueRefund extends Record<string, unknown> {
  id: string;
  amount: string | number;
  currency: string;
  provider: string;
  provider_reference: string;
}

/**
 * Sends recorded refunds to the provider that took their payment. A refund row is written in the
 * transaction that decides it (a cancellation, an airline cancellation, a late payment) with status
 * `requested`; this runs after that commit (at once, for the refunds of `bookingIds`) and from the
 * Cron Trigger (for any still due). Each refund is claimed in a short transaction that moves its
 * `next_attempt_at` forward (a lease, then the back-off: 30 s doubling up to an hour), so two
 * runners never call for the same one at once; the call itself holds no lock, and its
 * Idempotency-Key is the refund's id, so a call repeated after a crash gets the same refund back
 * from the provider rather than a second one. A call that fails leaves the row `requested` with
 * its error, for the next run.
 */
export async function issueRefunds(
  db: Database,
  providers: Record<string, PaymentProvider>,
  { bookingIds, limit = 50 }: { bookingIds?: string[]; limit?: number } = {},
): Promise<{ issued: number; failed: number }> {
  const only = bookingIds ? sql`and booking_id = any(${uuidArray(bookingIds)})` : sql``;
  const due = await db.transaction((tx) =>
    tx.execute<DueRefund>(sql`
      update refunds r set attempts = r.attempts + 1,
        next_attempt_at = now() + make_interval(secs => least(30 * power(2, r.attempts), 3600))
      from (select id from refunds where status = 'requested' and next_attempt_at <= now() ${only}
            order by next_attempt_at limit ${limit} for update skip locked) d, payments p
      where r.id = d.id and p.id = r.payment_id
      returning r.id, r.amount, r.currency, p.provider, p.provider_reference`),
  );
  let issued = 0;
  let failed = 0;
  for (const refund of due) {
    const provider = providers[refund.provider];
    try {
      if (!provider) throw new Error(`No ${refund.provider} provider is configured to refund this payment.`);
      const result = await provider.refund({
        paymentReference: refund.provider_reference,
        amount: Number(refund.amount),
        currency: refund.currency,
        idempotencyKey: refundKey(refund.id),
      });
      await db.execute(sql`
        update refunds set status = ${result.status}, provider_reference = ${result.reference}, last_error = null
        where id = ${refund.id} and status = 'requested'`);
      issued++;
    } catch (err) {
      await db.execute(sql`update refunds set last_error = ${err instanceof Error ? err.message : String(err)} where id = ${refund.id}`);
      failed++;
    }
  }
  return { issued, failed };
}

/** Every refund due, `limit` at a time (an airline cancellation's, the Cron Trigger's retries). */
export async function issueDueRefunds(db: Database, providers: Record<string, PaymentProvider>, limit = 50, maxRounds = 20) {
  const total = { issued: 0, failed: 0 };
  for (let round = 0; round < maxRounds; round++) {
    const { issued, failed } = await issueRefunds(db, providers, { limit });
    total.issued += issued;
    total.failed += failed;
    if (issued + failed < limit) break;
  }
  return total;
}
