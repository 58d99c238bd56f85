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
  })
  .superRefine(requireKeySource)
  .superRefine(requireDatabase);

export type BookingConfig = z.output<typeof BookingConfigSchema>;
