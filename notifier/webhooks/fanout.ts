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

interface Queued {
  body: WebhookBody;
  resolve: (written: number) => void;
  reject: (err: unknown) => void;
}

/** Events written per statement, at most, and how long the first of a batch waits for company. */
const BATCH = 250;
const BATCH_WAIT_MS = 5;

/**
 * The webhooks' own durable JetStream consumer (not the email consumer: each has its own progress,
 * so a mail outage does not hold partners back, nor the other way round). For each event it writes
 * one delivery per enabled endpoint that wants its type, then acks; the dispatcher does the
 * sending. Events are written in batches (one statement for up to 250 of them, gathered for at
 * most 5 ms): a burst costs a few statements, not one per event. A redelivered message writes
 * nothing twice (unique endpoint + event).
 */
export class WebhookFanout {
  private readonly pull: DurablePull;
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    js: JetStreamClient,
    private readonly config: NotifierConfig,
    private readonly written: () => void,
  ) {
    this.pull = new DurablePull(
      js,
      { stream: STREAM, consumer: webhookConsumer(config), batch: BATCH * 2, concurrency: BATCH * 2, retryMaxMs: config.NOTIFIER_RELAY_RETRY_MAX_MS },
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
      await new Promise<number>((resolve, reject) => this.enqueue({ body, resolve, reject }));
      msg.ack();
    } catch (err) {
      const delay = backoffDelay(msg.info.deliveryCount, 500, this.config.NOTIFIER_RELAY_RETRY_MAX_MS);
      log("warn", "webhooks: could not write deliveries; retrying", { worker: "notifier", eventId: body.id, retryInMs: delay, error: describeError(err).error });
      msg.nak(delay);
    }
  }

  private enqueue(item: Queued) {
    this.queue.push(item);
    if (this.queue.length >= BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
  }

  private flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    this.write(batch.map((q) => q.body)).then(
      (n) => {
        for (const q of batch) q.resolve(n);
        if (n > 0) this.written();
      },
      (err) => {
        for (const q of batch) q.reject(err);
      },
    );
  }

  /** One statement: the events some enabled endpoint wants, and a delivery per such endpoint. */
  private async write(bodies: WebhookBody[]): Promise<number> {
    const input = JSON.stringify(bodies.map((b) => ({ id: b.id, type: b.type, body: JSON.stringify(b) })));
    const [row] = await this.db.execute<{ n: number }>(sql`
      with input as (
        select distinct on (id) id, type, body from jsonb_to_recordset(${input}::jsonb) as x(id uuid, type text, body text)
      ), enabled as (
        -- Against the dispatcher disabling an endpoint at this moment: either it waits for these
        -- deliveries and gives them up with the rest, or this statement waits and sees it disabled.
        -- Locked in id order, as the dispatcher's updates of several endpoints are: no deadlock.
        select id, event_types from webhook_endpoints where disabled_at is null order by id for share
      ), targets as (
        select i.id as event_id, e.id as endpoint_id from input i
        join enabled e on e.event_types && array['*', i.type]
      ), events as (
        insert into webhook_events (id, type, body)
        select i.id, i.type, i.body from input i where exists (select 1 from targets t where t.event_id = i.id)
        on conflict (id) do nothing
      ), written as (
        insert into webhook_deliveries (endpoint_id, event_id)
        select endpoint_id, event_id from targets
        on conflict (endpoint_id, event_id) do nothing
        returning 1
      )
      select count(*)::int as n from written`);
    return row?.n ?? 0;
  }
}
