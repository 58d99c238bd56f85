import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import * as z from "zod";
import type { Database } from "../db/client";
import { BookingEventSchema } from "../shared/events";
import { describeError, log } from "../shared/http/log";
import type { NotifierConfig } from "./config";
import type { NotifierMetrics } from "./metrics";
import { DurablePull } from "./pull";
import { STREAM, UNDELIVERED_STREAM, undeliveredConsumer } from "./stream";
import { backoffDelay } from "./wakeup";

/** What this needs of JetStream's io.nats.jetstream.advisory.v1.max_deliver. */
const AdvisorySchema = z.object({ stream_seq: z.number().int().positive(), deliveries: z.number().int().nonnegative() });

/**
 * The last resort behind EmailConsumer: when even the consumer's spare delivery went unanswered
 * (the notifier died or was stopped mid-send, again), JetStream stops delivering the message and
 * publishes a max-deliveries advisory, kept in UNDELIVERED_STREAM. This reads each advisory, fetches
 * the event from BOOKINGS by its sequence and records it in notifier_dead_letters, unless the sent
 * log shows its email did go out (only the ack was lost). So every event ends in exactly one of
 * the sent log, the dead letters or the rejected messages.
 */
export class UndeliveredWatcher {
  private readonly pull: DurablePull;

  constructor(
    private readonly db: Database,
    js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly config: NotifierConfig,
    private readonly metrics: NotifierMetrics,
  ) {
    const options = { stream: UNDELIVERED_STREAM, consumer: undeliveredConsumer(config), batch: 10, concurrency: 1 };
    this.pull = new DurablePull(js, { ...options, retryMaxMs: config.NOTIFIER_RELAY_RETRY_MAX_MS }, (msg) => this.handle(msg));
  }

  start(): void {
    this.pull.start();
  }

  stop(): Promise<void> {
    return this.pull.stop();
  }

  private async handle(msg: JsMsg): Promise<void> {
    let advisory: z.infer<typeof AdvisorySchema>;
    try {
      advisory = AdvisorySchema.parse(msg.json());
    } catch (err) {
      log("warn", "undelivered: not a max-deliveries advisory; dropped", { worker: "notifier", subject: msg.subject, error: describeError(err).error });
      msg.term();
      return;
    }
    const fields = { worker: "notifier", streamSequence: advisory.stream_seq, deliveries: advisory.deliveries };
    try {
      const stored = await this.jsm.streams.getMessage(STREAM, { seq: advisory.stream_seq });
      const event = stored ? BookingEventSchema.safeParse(parseJson(stored.string())) : undefined;
      if (!stored || !event?.success) {
        // Gone (past the stream's max age) or never a booking event: nothing to send later.
        log("error", "undelivered: a message ran out of deliveries and cannot be dead-lettered", {
          ...fields,
          reason: stored ? "not a booking event" : "no longer in the stream",
        });
        msg.ack();
        return;
      }
      const lastError = `no answer to its last delivery (of ${advisory.deliveries}): the notifier stopped or crashed while sending it`;
      const inserted = await this.db.execute(sql`
        insert into notifier_dead_letters (event_id, subject, stream_sequence, deliveries, last_error, payload)
        select ${event.data.id}, ${stored.subject}, ${advisory.stream_seq}, ${advisory.deliveries}, ${lastError}, ${stored.string()}::jsonb
        where not exists (select 1 from notifier_sent_emails where event_id = ${event.data.id})
        on conflict (event_id) do nothing
        returning 1`);
      if (inserted.length > 0) {
        this.metrics.deadLettered++;
        log("error", "consumer: an email got no answer on its last delivery; moved to notifier_dead_letters", {
          ...fields,
          eventId: event.data.id,
          type: event.data.type,
        });
      }
      msg.ack();
    } catch (err) {
      const delay = backoffDelay(msg.info.deliveryCount, 500, this.config.NOTIFIER_RETRY_MAX_MS);
      log("warn", "undelivered: cannot record a dead letter yet; retrying", { ...fields, retryInMs: delay, error: describeError(err).error });
      msg.nak(delay);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
