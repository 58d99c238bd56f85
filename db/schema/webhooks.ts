import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";

/**
 * A partner's HTTPS endpoint and the event types it wants (`*`: all). The secret signs every
 * delivery (HMAC-SHA256), so it is kept as given out, not hashed. An endpoint that kept failing is
 * disabled (`disabled_at`), and its admin is told once (`disabled_notice_sent_at`).
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    url: text("url").notNull(),
    description: text("description"),
    eventTypes: text("event_types").array().notNull(),
    secret: text("secret").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Failed attempts since the last delivered one, and when that run began. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    failingSince: timestamp("failing_since", { withTimezone: true }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    disabledNoticeSentAt: timestamp("disabled_notice_sent_at", { withTimezone: true }),
  },
  (t) => [index("webhook_endpoints_created_idx").on(t.createdAt.desc(), t.id.desc())],
);

/**
 * An event as partners receive it: the exact JSON body, built once, so every endpoint and every
 * retry gets (and signs) the same bytes.
 */
export const webhookEvents = pgTable("webhook_events", {
  /** The booking event's own id (the outbox row's). */
  id: uuid("id").primaryKey(),
  type: text("type").notNull(),
  body: text("body").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** pending: waits for next_attempt_at; sending: an attempt holds it until leased_until; then delivered or failed (gave up). */
export const webhookDeliveryState = pgEnum("webhook_delivery_state", ["pending", "sending", "delivered", "failed"]);

/**
 * One event to one endpoint: the schedule of its retries and the delivery log row of the API
 * (attempts and the last one's outcome). Retries are scheduled here, not by JetStream: see
 * docs/architecture.md, "Partner webhooks".
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => webhookEvents.id),
    state: webhookDeliveryState("state").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Start of the current run of retries (creation, or the last redeliver): it gives up WEBHOOK_RETRY_FOR_MS after. */
    retryFrom: timestamp("retry_from", { withTimezone: true }).notNull().defaultNow(),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** While `sending`: past this, the attempt is taken to have died with its process, and is due again. */
    leasedUntil: timestamp("leased_until", { withTimezone: true }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    /** The endpoint's HTTP status (null: no answer). */
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    lastDurationMs: integer("last_duration_ms"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(t.endpointId, t.eventId),
    // What the dispatcher scans: due deliveries of each endpoint, and each endpoint's attempts in flight.
    index("webhook_deliveries_due_idx").on(t.endpointId, t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    index("webhook_deliveries_sending_idx").on(t.endpointId, t.leasedUntil).where(sql`${t.state} = 'sending'`),
    // The delivery log, newest first.
    index("webhook_deliveries_log_idx").on(t.endpointId, t.createdAt.desc(), t.id.desc()),
  ],
);
