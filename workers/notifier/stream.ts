import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { NotifierConfig } from "./config";

/** API.md, Events: stream BOOKINGS, subjects bookings.<event>. */
export const STREAM = "BOOKINGS";
export const SUBJECTS = "bookings.>";
/** Events stay a week for replays and other consumers; the notifier's own copy is its sent log. */
const MAX_AGE_MS = 7 * 86_400_000;

const notFound = (err: unknown, code: number) => err instanceof JetStreamApiError && err.code === code;

/**
 * Creates the stream, or brings an existing one to this configuration (storage cannot change
 * after creation: a stream made with memory storage elsewhere keeps it).
 */
export async function ensureStream(jsm: JetStreamManager, config: NotifierConfig): Promise<void> {
  const settings = {
    subjects: [SUBJECTS],
    duplicate_window: nanos(config.NATS_DUPLICATE_WINDOW_MS),
    max_age: nanos(MAX_AGE_MS),
    discard: DiscardPolicy.Old,
    description: "Booking events from the outbox (API.md, Events)",
  };
  try {
    await jsm.streams.info(STREAM);
    await jsm.streams.update(STREAM, settings);
  } catch (err) {
    if (!notFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add({ name: STREAM, retention: RetentionPolicy.Limits, storage: StorageType.File, ...settings });
  }
}

/**
 * The durable pull consumer every notifier process shares. Back-off between attempts is the
 * consumer's own choice (a nak with a delay, see consumer.ts); the ack wait bounds how long a
 * message stays with a notifier that died.
 */
export async function ensureConsumer(jsm: JetStreamManager, config: NotifierConfig): Promise<void> {
  const settings = {
    ack_wait: nanos(config.NOTIFIER_ACK_WAIT_MS),
    // One spare delivery: the consumer dead-letters a failure on delivery NOTIFIER_MAX_DELIVERIES
    // itself, so the spare is only used when that delivery got no answer at all (the notifier died
    // or stopped mid-send). Without it JetStream would drop such a message without a trace.
    max_deliver: config.NOTIFIER_MAX_DELIVERIES + 1,
    filter_subject: SUBJECTS,
    // Room for every message a full fetch batch holds plus those waiting out a nak delay.
    max_ack_pending: Math.max(1_000, config.NOTIFIER_FETCH_BATCH_SIZE * 10),
    description: "Sends one email per booking event",
  };
  try {
    await jsm.consumers.info(STREAM, config.NOTIFIER_CONSUMER);
    await jsm.consumers.update(STREAM, config.NOTIFIER_CONSUMER, settings);
  } catch (err) {
    if (!notFound(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(STREAM, {
      durable_name: config.NOTIFIER_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...settings,
    });
  }
}
