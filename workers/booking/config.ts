import * as z from "zod";
import { requireKeySource, tokenVerificationConfig } from "../../shared/auth/config";
import { databaseConfig, deploymentConfig, env, requireDatabase } from "../../shared/config";

export const BookingConfigSchema = z
  .object({
    ...databaseConfig,
    ...tokenVerificationConfig,
    ...deploymentConfig,
    /** How long a hold keeps its seats before they are free again. */
    HOLD_MINUTES: env.int(1, 24 * 60, 15),
    /** Reminders go out this many hours before departure, once per confirmed booking. */
    REMINDER_HOURS: env.int(1, 24 * 14, 24),
    /** Bookings the Cron Trigger expires per transaction. */
    EXPIRY_BATCH_SIZE: env.int(1, 10_000, 500),
    /** A departure moved by more than this is a significant change: customers may accept or cancel. */
    SCHEDULE_CHANGE_MINUTES: env.int(1, 7 * 24 * 60, 180),
    /** Bookings an airline cancellation cancels per transaction (short, so payments never wait long). */
    FLIGHT_CANCEL_BATCH_SIZE: env.int(1, 10_000, 100),
    /**
     * A DNS-over-HTTPS JSON resolver (RFC 8484's JSON flavour, as Cloudflare and Google serve it):
     * in production, a webhook URL's host is resolved through it and refused if any address is not
     * public. A Worker has no DNS API of its own; fetch is what every runtime has.
     */
    WEBHOOK_DNS_URL: env.url().default("https://cloudflare-dns.com/dns-query"),
    /**
     * Stripe (workers/booking/domain/payment-provider.ts). Without a secret key the approve-all
     * development provider takes payments; with one, payments are Stripe PaymentIntents confirmed
     * by Stripe's signed webhook, which needs STRIPE_WEBHOOK_SECRET.
     */
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Stripe's API address (https://api.stripe.com); tests point it at a local stub. */
    STRIPE_BASE_URL: env.url().default("https://api.stripe.com"),
    /** How long one call to Stripe may take before it counts as failed (the SDK retries once). */
    STRIPE_TIMEOUT_MS: env.int(100, 120_000, 10_000),
    /** How old a webhook's signed timestamp may be before it is refused as stale. */
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: env.int(1, 3600, 300),
  })
  .superRefine((config, ctx) => {
    if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["STRIPE_WEBHOOK_SECRET"], message: "is required with STRIPE_SECRET_KEY" });
    }
  })
  .superRefine(requireKeySource)
  .superRefine(requireDatabase);

export type BookingConfig = z.output<typeof BookingConfigSchema>;
