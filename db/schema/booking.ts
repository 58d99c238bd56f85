import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { cabinClass, flights } from "./catalog";

export const bookingStatus = pgEnum("booking_status", ["held", "confirmed", "cancelled", "expired"]);

/**
 * A booking holds seats (seats.booking_id) until `hold_expires_at`, then is confirmed by a payment,
 * cancelled, or expired. A held booking past its deadline is expired in effect at once (its seats
 * are free); the Cron Trigger records it as `expired` later.
 */
export const bookings = pgTable(
  "bookings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    status: bookingStatus("status").notNull().default("held"),
    totalAmount: bigint("total_amount", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    holdExpiresAt: timestamp("hold_expires_at", { withTimezone: true }).notNull(),
    // Milliseconds, as JavaScript dates carry: the keyset cursor of the listing round-trips exactly.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    expiredAt: timestamp("expired_at", { withTimezone: true }),
  },
  (t) => [
    index("bookings_user_idx").on(t.userId, t.createdAt.desc(), t.id.desc()),
    // What the expiry job scans: only live holds.
    index("bookings_hold_expiry_idx").on(t.holdExpiresAt).where(sql`${t.status} = 'held'`),
  ],
);

/**
 * The flights of a booking, in journey order (a single flight, a connection, a return trip: up to
 * 4), each in one cabin at its fare per passenger. Every passenger has a seat on every one.
 */
export const bookingFlights = pgTable(
  "booking_flights",
  {
    bookingId: uuid("booking_id")
      .notNull()
      .references(() => bookings.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    flightId: uuid("flight_id")
      .notNull()
      .references(() => flights.id),
    cabin: cabinClass("cabin").notNull(),
    fareAmount: bigint("fare_amount", { mode: "number" }).notNull(),
    /** Reminders go out per flight of a confirmed booking, once. */
    reminderSentAt: timestamp("reminder_sent_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.bookingId, t.position] }),
    uniqueIndex("booking_flights_flight_key").on(t.flightId, t.bookingId),
    // What the reminder job scans: flights not yet reminded.
    index("booking_flights_reminder_idx").on(t.flightId).where(sql`${t.reminderSentAt} is null`),
  ],
);

/** A passenger's seat on one flight of the booking: one row per passenger and flight. */
export const bookingPassengers = pgTable(
  "booking_passengers",
  {
    bookingId: uuid("booking_id")
      .notNull()
      .references(() => bookings.id, { onDelete: "cascade" }),
    flightId: uuid("flight_id")
      .notNull()
      .references(() => flights.id),
    position: smallint("position").notNull(),
    name: text("name").notNull(),
    row: smallint("row").notNull(),
    letter: char("letter", { length: 1 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.flightId, t.position] })],
);

export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    bookingId: uuid("booking_id")
      .notNull()
      .references(() => bookings.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    provider: text("provider").notNull(),
    providerReference: text("provider_reference").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One payment per booking, whatever races: the database says no to a second.
  (t) => [uniqueIndex("payments_booking_key").on(t.bookingId)],
);

/**
 * A payment provider's intent to be paid for a booking (Stripe's PaymentIntent), created when the
 * customer starts paying and before any money moves: one per booking. The booking is confirmed
 * later, by the provider's signed webhook (workers/booking/domain/payment-intents.ts).
 */
export const paymentIntents = pgTable(
  "payment_intents",
  {
    bookingId: uuid("booking_id")
      .primaryKey()
      .references(() => bookings.id),
    provider: text("provider").notNull(),
    providerReference: text("provider_reference").notNull(),
    clientSecret: text("client_secret").notNull(),
    /** The provider's status as last seen (requires_payment_method, processing, succeeded, canceled, …). */
    status: text("status").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("payment_intents_reference_key").on(t.provider, t.providerReference),
    // What the Cron Trigger scans for intents to cancel: those a customer could still pay.
    index("payment_intents_payable_idx")
      .on(t.bookingId)
      .where(sql`${t.status} in ('requires_payment_method', 'requires_confirmation', 'requires_action')`),
  ],
);

/**
 * requested: recorded, not yet accepted by the provider (a failed call stays here and is retried);
 * pending: the provider accepted it and is still moving the money; succeeded; failed: the provider
 * refused it for good (someone has to look).
 */
export const refundStatus = pgEnum("refund_status", ["requested", "pending", "succeeded", "failed"]);

export const refunds = pgTable(
  "refunds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    bookingId: uuid("booking_id")
      .notNull()
      .references(() => bookings.id),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    status: refundStatus("status").notNull().default("requested"),
    /** The provider's id of the refund (Stripe's re_…), once it accepted it. */
    providerReference: text("provider_reference"),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt may run: also the lease of an attempt in flight. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
  },
  // Events name a cancelled booking's refund; and one payment is refunded once.
  (t) => [
    index("refunds_booking_idx").on(t.bookingId),
    uniqueIndex("refunds_payment_key").on(t.paymentId),
    // What the retry job scans: refunds the provider has not accepted yet.
    index("refunds_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'requested'`),
  ],
);

/** Provider webhook events already handled, by the provider's event id: a redelivery changes nothing. */
export const paymentWebhookEvents = pgTable("payment_webhook_events", {
  id: text("id").primaryKey(),
  provider: text("provider").notNull(),
  type: text("type").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Idempotency-Key records: per user and request path, the request's hash and the first answer. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: uuid("user_id").notNull(),
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status"),
    // The body as it was sent, byte for byte (jsonb would reorder its keys).
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope, t.key] })],
);

/** The transactional outbox: events written with the state change, published to NATS later. */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [index("outbox_unpublished_idx").on(t.occurredAt).where(sql`${t.publishedAt} is null`)],
);

/** What an airline-initiated change did to a flight (issue: schedule changes, cancellations). */
export const flightChangeKind = pgEnum("flight_change_kind", ["schedule_changed", "delayed", "cancelled", "gate_changed"]);

/**
 * One airline-initiated change of a flight: what changed (before and after), who changed it, and,
 * for a cancellation, the progress of its cascade over the flight's bookings (done in batches).
 */
export const flightChanges = pgTable(
  "flight_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // A flight without bookings may be deleted, and its change history with it.
    flightId: uuid("flight_id")
      .notNull()
      .references(() => flights.id, { onDelete: "cascade" }),
    kind: flightChangeKind("kind").notNull(),
    /** The changed fields as they were and as they are: departureTime, arrivalTime, status, boardingGate. */
    before: jsonb("before").$type<Record<string, unknown>>().notNull(),
    after: jsonb("after").$type<Record<string, unknown>>().notNull(),
    /** A departure moved by more than SCHEDULE_CHANGE_MINUTES: customers may accept or cancel. */
    significant: boolean("significant").notNull().default(false),
    changedBy: uuid("changed_by").references(() => users.id),
    bookingsAffected: integer("bookings_affected").notNull(),
    bookingsProcessed: integer("bookings_processed").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    index("flight_changes_flight_idx").on(t.flightId, t.createdAt.desc(), t.id.desc()),
    // What the Cron Trigger resumes: cascades that have not finished.
    index("flight_changes_open_idx").on(t.createdAt).where(sql`${t.completedAt} is null`),
  ],
);

export const bookingChangeStatus = pgEnum("booking_change_status", ["pending", "accepted", "cancelled"]);

/** A significant change as one booking sees it: the customer's choice, and when it was made. */
export const bookingChanges = pgTable(
  "booking_changes",
  {
    bookingId: uuid("booking_id")
      .notNull()
      .references(() => bookings.id),
    changeId: uuid("change_id")
      .notNull()
      .references(() => flightChanges.id, { onDelete: "cascade" }),
    status: bookingChangeStatus("status").notNull().default("pending"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.changeId] })],
);
