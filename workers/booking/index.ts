// The booking worker: seat holds, payments, cancellation, and the Cron Trigger's housekeeping.
import { createDatabase } from "../../db/client";
import { databaseUrl, parseConfig } from "../../shared/config";
import { describeError, log } from "../../shared/http/log";
import type { WorkerModule } from "../../shared/worker";
import { createBookingApp } from "./app";
import { BookingConfigSchema } from "./config";
import { resumeCancellations } from "./domain/flight-changes";
import { expireStaleHolds, scheduleReminders } from "./domain/housekeeping";
import { cancelAbandonedIntents } from "./domain/payment-intents";
import { paymentProviderFor, refundProviders } from "./domain/payment-provider";
import { issueDueRefunds } from "./domain/refunds";

const app = createBookingApp();

/**
 * One Cron Trigger run: expire stale holds, queue reminders, finish any airline cancellation
 * whose cascade stopped half-way, retry refunds the payment processor has not accepted yet, and
 * close lapsed holds' PaymentIntents. Exported for tests and the Node host.
 */
export async function runHousekeeping(env: Record<string, unknown>) {
  const config = parseConfig(BookingConfigSchema, env);
  const db = createDatabase(databaseUrl(config));
  const expired = await expireStaleHolds(db, config.EXPIRY_BATCH_SIZE);
  const reminders = await scheduleReminders(db, config.REMINDER_HOURS, config.EXPIRY_BATCH_SIZE);
  const cancelledByAirline = await resumeCancellations(db, config.FLIGHT_CANCEL_BATCH_SIZE);
  // Refunds the processor has not accepted yet (it failed, or the worker stopped before asking).
  const provider = paymentProviderFor(config);
  const refunds = await issueDueRefunds(db, refundProviders(provider));
  // PaymentIntents of holds that lapsed: closed at Stripe, so nobody pays for seats already let go.
  const intentsCancelled = provider.flow === "intent" ? await cancelAbandonedIntents(db, provider) : 0;
  log("info", "housekeeping", { worker: "booking", expired, reminders, cancelledByAirline, refunds, intentsCancelled });
  return { expired, reminders, cancelledByAirline, refunds, intentsCancelled };
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async scheduled(_event, env, ctx) {
    ctx.waitUntil(
      runHousekeeping(env).catch((err) => {
        log("error", "housekeeping failed", { worker: "booking", ...describeError(err) });
      }),
    );
  },
} satisfies WorkerModule;
