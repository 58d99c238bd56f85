import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { BookingEventSchema, FLIGHT_CHANGED, FlightChangedEventSchema } from "../../shared/events";
import { describeError, log } from "../../shared/http/log";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../shared/webhooks";
import type { NotifierConfig } from "../config";
import { DurablePull } from "../pull";
import { STREAM, webhookConsumer } from "../stream";
import { backoffDelay } from "../wakeup";

/** What a partner receives: the event's id and type, when it happened, and what it is about. */
export interface WebhookBody {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

/** A stream message as a webhook body, or a reason it is not one. */
export function webhookBodyOf(subject: string, payload: Uint8Array): WebhookBody | string {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return "not JSON";
  }
  if (subject === FLIGHT_CHANGED) {
    const parsed = FlightChangedEventSchema.safeParse(json);
    if (!parsed.success) return "not a flights.changed event";
    const { id, type, occurredAt, ...data } = parsed.data;
    return { id, type, createdAt: occurredAt, data };
  }
  const parsed = BookingEventSchema.safeParse(json);
  if (!parsed.success || parsed.data.type !== subject) return `not a booking event of ${subject}`;
  const { id, type, occurredAt, ...data } = parsed.data;
  return { id, type, createdAt: occurredAt, data };
}

/**
 * The webhooks' own durable JetStream consumer (not the email consumer: each has its own progress,
 * so a mail outage does not hold partners back, nor the other way round). For each event it writes
 * one delivery per enabled endpoint that wants its type, in one statement, then acks; the
 * dispatcher does the sending. A redelivered message writes nothing twice (unique endpoint + event).
 */
export class WebhookFanout {
  private readonly pull: DurablePull;

  constructor(
    private readonly db: Database,
    js: JetStreamClient,
    private readonly config: NotifierConfig,
    private readonly written: () => void,
  ) {
    this.pull = new DurablePull(
      js,
      { stream: STREAM, consumer: webhookConsumer(config), batch: 200, concurrency: 16, retryMaxMs: config.NOTIFIER_RELAY_RETRY_MAX_MS },
      (msg) => this.handle(msg),
    );
  }

  start(): void {
    this.pull.start();
  }

  stop(): Promise<void> {
    return this.pull.stop();
  }

  private async handle(msg: JsMsg): Promise<void> {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(msg.subject)) {
      msg.ack(); // a subject partners cannot subscribe to
      return;
    }
    const body = webhookBodyOf(msg.subject, msg.data);
    if (typeof body === "string") {
      // The email consumer records malformed booking events in notifier_rejected_messages.
      log("warn", "webhooks: skipped a message that is not an event", { worker: "notifier", subject: msg.subject, seq: msg.seq, reason: body });
      msg.term();
      return;
    }
    try {
      const [row] = await this.db.execute<{ n: number }>(sql`
        with targets as (
          select id from webhook_endpoints
          where disabled_at is null and event_types && array['*', ${body.type}::text]
        ), event as (
          insert into webhook_events (id, type, body)
          select ${body.id}, ${body.type}, ${JSON.stringify(body)} where exists (select 1 from targets)
          on conflict (id) do nothing
        ), written as (
          insert into webhook_deliveries (endpoint_id, event_id)
          select id, ${body.id} from targets
          on conflict (endpoint_id, event_id) do nothing
          returning 1
        )
        select count(*)::int as n from written`);
      msg.ack();
      if (row?.n) this.written();
    } catch (err) {
      const delay = backoffDelay(msg.info.deliveryCount, 500, this.config.NOTIFIER_RELAY_RETRY_MAX_MS);
      log("warn", "webhooks: could not write deliveries; retrying", { worker: "notifier", eventId: body.id, retryInMs: delay, error: describeError(err).error });
      msg.nak(delay);
    }
  }
}
