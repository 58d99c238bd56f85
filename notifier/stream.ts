import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { NotifierConfig } from "./config";

/** API.md, Events: stream BOOKINGS, subjects bookings.<event> (and flights.changed, once per airline change). */
export const STREAM = "BOOKINGS";
export const SUBJECTS = "bookings.>";
export const FLIGHT_SUBJECTS = "flights.>";
/**
 * JetStream's max-deliveries advisories for BOOKINGS, kept in a stream of their own so that one
 * published while no notifier runs is not lost (advisories are plain NATS messages).
 */
export const UNDELIVERED_STREAM = "BOOKINGS_UNDELIVERED";
const MAX_DELIVERIES_ADVISORY = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${STREAM}`;
/** Events stay a week for replays and other consumers; the notifier's own copy is its sent log. */
const MAX_AGE_MS = 7 * 86_400_000;

/** The durable consumer that reads UNDELIVERED_STREAM: one per email consumer. */
export const undeliveredConsumer = (config: NotifierConfig) => `${config.NOTIFIER_CONSUMER}-undelivered`;

/** The webhooks' durable consumer of BOOKINGS (notifier/webhooks/fanout.ts), beside the email consumer. */
export const webhookConsumer = (config: NotifierConfig) => `${config.NOTIFIER_CONSUMER}-webhooks`;

const notFound = (err: unknown, code: number) => err instanceof JetStreamApiError && err.code === code;

/**
 * Creates a stream, or brings an existing one to these settings (storage cannot change after
 * creation: a stream made with memory storage elsewhere keeps it).
 */
async function upsertStream(jsm: JetStreamManager, name: string, settings: Partial<StreamConfig> & { subjects: string[] }) {
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, settings);
  } catch (err) {
    if (!notFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add({ name, retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: nanos(MAX_AGE_MS), ...settings });
  }
}

/** Creates a durable pull consumer with explicit acks, or brings an existing one to these settings. */
async function upsertConsumer(jsm: JetStreamManager, stream: string, name: string, settings: Partial<ConsumerConfig>) {
  try {
    await jsm.consumers.info(stream, name);
    await jsm.consumers.update(stream, name, settings);
  } catch (err) {
    if (!notFound(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
  }
}

export async function ensureStream(jsm: JetStreamManager, config: NotifierConfig): Promise<void> {
  await upsertStream(jsm, STREAM, {
    subjects: [SUBJECTS, FLIGHT_SUBJECTS],
    duplicate_window: nanos(config.NATS_DUPLICATE_WINDOW_MS),
    max_age: nanos(MAX_AGE_MS),
    discard: DiscardPolicy.Old,
    description: "Booking events from the outbox (API.md, Events)",
  });
}

/**
 * The durable pull consumer every notifier process shares, and the stream and consumer of its
 * max-deliveries advisories. Back-off between attempts is the consumer's own choice (a nak with a
 * delay, see consumer.ts); the ack wait bounds how long a message stays with a notifier that died.
 */
export async function ensureConsumer(jsm: JetStreamManager, config: NotifierConfig): Promise<void> {
  await upsertConsumer(jsm, STREAM, config.NOTIFIER_CONSUMER, {
    ack_wait: nanos(config.NOTIFIER_ACK_WAIT_MS),
    // One spare delivery: the consumer dead-letters a failure on delivery NOTIFIER_MAX_DELIVERIES
    // itself, so the spare is only used when that delivery got no answer at all (the notifier died
    // or stopped mid-send). If the spare gets no answer either, JetStream gives up and publishes a
    // max-deliveries advisory, which UndeliveredWatcher turns into a dead letter.
    max_deliver: config.NOTIFIER_MAX_DELIVERIES + 1,
    filter_subject: SUBJECTS,
    // Room for every message a full fetch batch holds plus those waiting out a nak delay.
    max_ack_pending: Math.max(1_000, config.NOTIFIER_FETCH_BATCH_SIZE * 10),
    description: "Sends one email per booking event",
  });
  await upsertStream(jsm, UNDELIVERED_STREAM, {
    subjects: [`${MAX_DELIVERIES_ADVISORY}.*`],
    description: "Max-deliveries advisories of BOOKINGS consumers: messages given up on without an answer",
  });
  await upsertConsumer(jsm, UNDELIVERED_STREAM, undeliveredConsumer(config), {
    filter_subject: `${MAX_DELIVERIES_ADVISORY}.${config.NOTIFIER_CONSUMER}`,
    ack_wait: nanos(config.NOTIFIER_ACK_WAIT_MS),
    description: "Records undelivered BOOKINGS messages in notifier_dead_letters",
  });
}

/**
 * The webhooks' durable consumer: every subject of the stream (bookings.> and flights.changed),
 * from the events published after it is first created (a new install does not send partners a
 * week of history). It only writes delivery rows, so redelivery is unlimited: a message it could
 * not record (PostgreSQL down) is simply tried again.
 */
export async function ensureWebhookConsumer(jsm: JetStreamManager, config: NotifierConfig): Promise<void> {
  const name = webhookConsumer(config);
  const settings: Partial<ConsumerConfig> = {
    ack_wait: nanos(30_000),
    max_deliver: -1,
    max_ack_pending: 1_000,
    description: "Writes one webhook delivery per matching endpoint for each event",
  };
  try {
    await jsm.consumers.info(STREAM, name);
    await jsm.consumers.update(STREAM, name, settings);
  } catch (err) {
    if (!notFound(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(STREAM, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ...settings });
  }
}
