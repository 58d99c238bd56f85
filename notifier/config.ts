import * as z from "zod";
import { deploymentConfig, env, parseConfig } from "../shared/config";

/** Unset or empty: both mean "not configured" (an empty line in an env file is common). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** The notifier's settings. Durations are milliseconds; defaults suit production. */
export const NotifierConfigSchema = z
  .object({
    DATABASE_URL: env.url(),
    /** production: webhooks are sent only to public addresses (checked as each connection is made). */
    ...deploymentConfig,
    /** One URL, or several separated by commas (a cluster). */
    NATS_URL: env.string("nats://127.0.0.1:4222"),
    /** Unset: the development mailbox writes each email under MAIL_DIR instead of sending it. */
    RESEND_API_KEY: optional(z.string().min(1)),
    /** Resend's API address (the SDK's default is https://api.resend.com). */
    RESEND_BASE_URL: optional(env.url()),
    EMAIL_FROM: env.string("Airline <bookings@example.com>"),
    /** /health and /metrics; 0 picks a free port. */
    NOTIFIER_PORT: env.int(0, 65_535, 8791),
    /** Where /health and /metrics listen; 0.0.0.0 lets a scraper on another host in. */
    NOTIFIER_HOST: env.string("127.0.0.1"),
    MAIL_DIR: env.string(".data/mail"),
    /** The durable consumer's name: notifiers sharing it share the work. */
    NOTIFIER_CONSUMER: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, - or _")
      .default("notifier"),
    /** Outbox rows the relay claims and publishes per transaction. */
    NOTIFIER_RELAY_BATCH_SIZE: env.int(1, 10_000, 200),
    /** The relay's poll when no NOTIFY arrives (a missed one, or LISTEN not yet connected). */
    NOTIFIER_POLL_MS: env.int(50, 60_000, 1_000),
    /** The relay's longest wait between attempts while NATS or PostgreSQL fails. */
    NOTIFIER_RELAY_RETRY_MAX_MS: env.int(100, 600_000, 30_000),
    /** JetStream's duplicate window on BOOKINGS: a re-publish within it is dropped by Nats-Msg-Id. */
    NATS_DUPLICATE_WINDOW_MS: env.int(1_000, 86_400_000, 120_000),
    /** Messages the consumer keeps pulled ahead, and how many emails are in flight at once. */
    NOTIFIER_FETCH_BATCH_SIZE: env.int(1, 1_000, 100),
    /**
     * Emails in flight at once. Many, cheaply (each is a promise): a send that hangs holds one of
     * them until NOTIFIER_SEND_TIMEOUT_MS, and the rest keep going.
     */
    NOTIFIER_CONCURRENCY: env.int(1, 1_024, 64),
    /**
     * Emails per second this process sends through Resend (its default API limit is 5 a second per
     * team: raise both together). 0 sends as fast as NOTIFIER_CONCURRENCY allows.
     */
    NOTIFIER_SEND_RATE_PER_SECOND: env.int(0, 100_000, 5),
    /** Deliveries of one message before it goes to notifier_dead_letters. */
    NOTIFIER_MAX_DELIVERIES: env.int(1, 100, 5),
    /**
     * Without an ack or an in-progress signal in this time (the notifier died), JetStream delivers
     * the message again. A live notifier signals progress every third of it while it waits or sends.
     */
    NOTIFIER_ACK_WAIT_MS: env.int(1_000, 3_600_000, 10_000),
    /**
     * A failed send is retried after base × 2^(delivery − 1), at most the max (Retry-After wins when
     * larger). Every attempt counts towards NOTIFIER_MAX_DELIVERIES, so the defaults (30 s, 1, 2, 4
     * min) ride out about 7 minutes of provider outage before an email is dead-lettered.
     */
    NOTIFIER_RETRY_BASE_MS: env.int(10, 600_000, 30_000),
    NOTIFIER_RETRY_MAX_MS: env.int(10, 3_600_000, 600_000),
    /** Time limit of one call to the mail provider. */
    NOTIFIER_SEND_TIMEOUT_MS: env.int(100, 600_000, 5_000),
    /** /health reports the relay stalled when unpublished events wait and it has made no progress for this long. */
    NOTIFIER_RELAY_STALL_MS: env.int(1_000, 3_600_000, 30_000),
    // Partner webhooks (notifier/webhooks/).
    /** Webhook requests in flight at once, all endpoints together. */
    WEBHOOK_CONCURRENCY: env.int(1, 1_024, 64),
    /** Requests in flight to one endpoint at once: a slow endpoint holds this many, never the rest. */
    WEBHOOK_ENDPOINT_CONCURRENCY: env.int(1, 256, 4),
    /** Time limit of one request, answer included. */
    WEBHOOK_TIMEOUT_MS: env.int(100, 120_000, 10_000),
    /** A failed attempt n is retried after base × 2^(n − 1) (±10 %), at most the max. */
    WEBHOOK_RETRY_BASE_MS: env.int(10, 600_000, 2_000),
    WEBHOOK_RETRY_MAX_MS: env.int(10, 86_400_000, 3_600_000),
    /** How long a delivery is retried before it is given up (failed): 72 hours. */
    WEBHOOK_RETRY_FOR_MS: env.int(1_000, 30 * 86_400_000, 3 * 86_400_000),
    /**
     * An endpoint is disabled (and its admin emailed) after this many failed attempts in a row
     * spanning at least WEBHOOK_DISABLE_AFTER_MS, with no success between.
     */
    WEBHOOK_DISABLE_AFTER_FAILURES: env.int(1, 1_000_000, 50),
    WEBHOOK_DISABLE_AFTER_MS: env.int(0, 30 * 86_400_000, 3 * 86_400_000),
    /** How often the dispatcher looks for due retries when nothing wakes it. */
    WEBHOOK_POLL_MS: env.int(10, 60_000, 1_000),
  })
  .superRefine((c, ctx) => {
    // A re-publish after the relay's longest back-off must still be caught by the stream.
    if (c.NOTIFIER_RELAY_RETRY_MAX_MS >= c.NATS_DUPLICATE_WINDOW_MS) {
      ctx.addIssue({ code: "custom", path: ["NOTIFIER_RELAY_RETRY_MAX_MS"], message: "must be below NATS_DUPLICATE_WINDOW_MS" });
    }
    // A send still running when the ack wait ends would be delivered to a second notifier meanwhile.
    if (c.NOTIFIER_SEND_TIMEOUT_MS >= c.NOTIFIER_ACK_WAIT_MS) {
      ctx.addIssue({ code: "custom", path: ["NOTIFIER_SEND_TIMEOUT_MS"], message: "must be below NOTIFIER_ACK_WAIT_MS" });
    }
    if (c.WEBHOOK_RETRY_MAX_MS < c.WEBHOOK_RETRY_BASE_MS) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_RETRY_MAX_MS"], message: "must be at least WEBHOOK_RETRY_BASE_MS" });
    }
    if (c.WEBHOOK_ENDPOINT_CONCURRENCY > c.WEBHOOK_CONCURRENCY) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_ENDPOINT_CONCURRENCY"], message: "must be at most WEBHOOK_CONCURRENCY" });
    }
    if (c.NOTIFIER_RETRY_MAX_MS < c.NOTIFIER_RETRY_BASE_MS) {
      ctx.addIssue({ code: "custom", path: ["NOTIFIER_RETRY_MAX_MS"], message: "must be at least NOTIFIER_RETRY_BASE_MS" });
    }
  });

export type NotifierConfig = z.output<typeof NotifierConfigSchema>;

/** Parses the notifier's environment; a bad value is a ConfigError with one line naming it. */
export const parseNotifierConfig = (environment: object): NotifierConfig => parseConfig(NotifierConfigSchema, environment);
