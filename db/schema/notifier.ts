import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * One row per booking event whose email the provider accepted. The notifier looks here before it
 * sends, so a redelivered message never sends a second email (see notifier/consumer.ts).
 */
export const notifierSentEmails = pgTable("notifier_sent_emails", {
  eventId: uuid("event_id").primaryKey(),
  eventType: text("event_type").notNull(),
  bookingId: uuid("booking_id").notNull(),
  recipient: text("recipient").notNull(),
  /** `resend` or `development` (the mailbox under MAIL_DIR). */
  provider: text("provider").notNull(),
  /** Resend's email id, or the development mailbox's file path. */
  providerMessageId: text("provider_message_id").notNull(),
  sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Valid events whose email still failed after the last allowed delivery, with the last error. */
export const notifierDeadLetters = pgTable("notifier_dead_letters", {
  eventId: uuid("event_id").primaryKey(),
  subject: text("subject").notNull(),
  streamSequence: bigint("stream_sequence", { mode: "number" }).notNull(),
  deliveries: integer("deliveries").notNull(),
  lastError: text("last_error").notNull(),
  payload: jsonb("payload").notNull(),
  deadAt: timestamp("dead_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Messages that are not booking events at all (not JSON, or not the schema): terminated at once,
 * kept here as received so someone can see what was published.
 */
export const notifierRejectedMessages = pgTable(
  "notifier_rejected_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subject: text("subject").notNull(),
    streamSequence: bigint("stream_sequence", { mode: "number" }).notNull(),
    /** The Nats-Msg-Id header, when the publisher set one. */
    messageId: text("message_id"),
    reason: text("reason").notNull(),
    body: text("body").notNull(),
    rejectedAt: timestamp("rejected_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notifier_rejected_messages_time_idx").on(t.rejectedAt)],
);
