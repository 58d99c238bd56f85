import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { notifierDeadLetters, notifierRejectedMessages, notifierSentEmails } from "../db/schema";
import { type BookingEvent, BookingEventSchema } from "../shared/events";
import { describeError, log } from "../shared/http/log";
import type { NotifierConfig } from "./config";
import { SendRateLimit } from "./mail/rate-limit";
import { renderEmail } from "./mail/templates";
import { MailSendError, type MailTransport } from "./mail/transport";
import type { NotifierMetrics } from "./metrics";
import { STREAM } from "./stream";
import { DurablePull } from "./pull";
import { backoffDelay, type Wakeup } from "./wakeup";

const MAX_STORED_BODY = 64 * 1024;
// term() is called without a reason: servers before 2.10 (Debian's 2.9) read "+TERM <reason>" as
// an unknown reply and deliver the message again. The reason is in our tables and log instead.

/**
 * The durable pull consumer: one email per booking event, never two.
 *
 * For each message: look the event id up in the sent log (found: the email went out before the
 * ack was lost, so ack and stop), send with Idempotency-Key = event id, record it in the sent log,
 * then ack. A crash after the send but before the record makes JetStream deliver the message
 * again after the ack wait; the resend carries the same key, so the provider answers with the
 * first email instead of sending another. Recording before sending would lose the email on such a
 * crash instead.
 */
export class EmailConsumer {
  private readonly pull: DurablePull;
  private readonly stopping: Wakeup;
  private readonly rateLimit: SendRateLimit;

  constructor(
    private readonly db: Database,
    js: JetStreamClient,
    private readonly transport: MailTransport,
    private readonly config: NotifierConfig,
    private readonly metrics: NotifierMetrics,
  ) {
    this.rateLimit = new SendRateLimit(transport.provider === "resend" ? config.NOTIFIER_SEND_RATE_PER_SECOND : 0);
    this.pull = new DurablePull(
      js,
      {
        stream: STREAM,
        consumer: config.NOTIFIER_CONSUMER,
        batch: config.NOTIFIER_FETCH_BATCH_SIZE,
        concurrency: config.NOTIFIER_CONCURRENCY,
        retryMaxMs: config.NOTIFIER_RELAY_RETRY_MAX_MS,
      },
      (msg) => this.handle(msg),
    );
    this.stopping = this.pull.stopping;
  }

  start(): void {
    this.pull.start();
  }

  /** Stops pulling, gives back what was pulled but not started, and waits for emails in flight. */
  stop(): Promise<void> {
    return this.pull.stop();
  }

  private async handle(msg: JsMsg): Promise<void> {
    const event = await this.parse(msg);
    if (!event) return;
    try {
      const [already] = await this.db
        .select({ eventId: notifierSentEmails.eventId })
        .from(notifierSentEmails)
        .where(eq(notifierSentEmails.eventId, event.id));
      if (already) {
        this.metrics.alreadySent++;
        msg.ack();
        return;
      }
      const email = renderEmail(event);
      const keepAliveMs = Math.max(500, Math.floor(this.config.NOTIFIER_ACK_WAIT_MS / 3));
      const turn = await this.rateLimit.take(
        () => msg.working(), // waiting for the rate limit is not a reason to redeliver
        keepAliveMs,
        async (ms) => {
          await this.stopping.wait(ms);
          return this.stopping.isClosed;
        },
      );
      if (!turn) {
        msg.nak(); // stopping: another notifier can have it at once
        return;
      }
      // The ack wait is short, so that a crashed notifier's messages come back in seconds; while
      // this process is alive and sending, it tells JetStream so.
      const alive = setInterval(() => msg.working(), keepAliveMs);
      let sent: Awaited<ReturnType<MailTransport["send"]>>;
      try {
        sent = await this.transport.send(email, event.id);
      } finally {
        clearInterval(alive);
      }
      // Recorded as sent; a dead letter of the same event (this was a replay) is then resolved.
      await this.db.execute(sql`
        with recorded as (
          insert into notifier_sent_emails (event_id, event_type, booking_id, recipient, provider, provider_message_id)
          values (${event.id}, ${event.type}, ${event.booking.id}, ${email.to}, ${this.transport.provider}, ${sent.messageId})
          on conflict do nothing
        )
        delete from notifier_dead_letters where event_id = ${event.id}`);
      this.metrics.countSent(event.type);
      msg.ack();
    } catch (err) {
      await this.failed(msg, event, err);
    }
  }

  /** The message as a booking event, or undefined after terminating and recording it. */
  private async parse(msg: JsMsg): Promise<BookingEvent | undefined> {
    const body = new TextDecoder().decode(msg.data);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      await this.reject(msg, body, `not JSON: ${(err as Error).message}`);
      return undefined;
    }
    const result = BookingEventSchema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      await this.reject(msg, body, `not a booking event: ${issue?.path.join(".") || "body"} ${issue?.message}`);
      return undefined;
    }
    if (result.data.type !== msg.subject) {
      await this.reject(msg, body, `type ${result.data.type} published on subject ${msg.subject}`);
      return undefined;
    }
    return result.data;
  }

  /** Terminated at once (retrying cannot fix it) and kept in notifier_rejected_messages. */
  private async reject(msg: JsMsg, body: string, reason: string) {
    try {
      await this.db.insert(notifierRejectedMessages).values({
        subject: msg.subject,
        streamSequence: msg.seq,
        messageId: msg.headers?.get("Nats-Msg-Id") || null,
        reason,
        body: body.length > MAX_STORED_BODY ? body.slice(0, MAX_STORED_BODY) : body,
      });
    } catch (err) {
      // Not recorded yet: try again later, unless this was its last delivery.
      if (msg.info.deliveryCount < this.config.NOTIFIER_MAX_DELIVERIES) {
        msg.nak(this.retryDelay(msg.info.deliveryCount));
        return;
      }
      log("error", "consumer: could not record a rejected message", { worker: "notifier", subject: msg.subject, seq: msg.seq, body, ...describeError(err) });
    }
    this.metrics.rejected++;
    log("warn", "consumer: rejected a message that is not a booking event", { worker: "notifier", subject: msg.subject, seq: msg.seq, reason });
    msg.term();
  }

  /**
   * The email did not go out (or was not recorded). Before delivery NOTIFIER_MAX_DELIVERIES: nak
   * with a back-off (at least the provider's Retry-After). From it on (the consumer allows one
   * spare delivery after a crash, see stream.ts): dead-letter it with the error and terminate.
   */
  private async failed(msg: JsMsg, event: BookingEvent, err: unknown) {
    const deliveries = msg.info.deliveryCount;
    const error = describeError(err).error as string;
    const fields = { worker: "notifier", eventId: event.id, type: event.type, deliveries, error };
    const retryAfter = err instanceof MailSendError ? (err.retryAfterMs ?? 0) : 0;
    // Too many requests: every send waits (Retry-After, else a second), not only this one.
    if (err instanceof MailSendError && err.status === 429) this.rateLimit.pause(retryAfter || 1_000);
    if (deliveries < this.config.NOTIFIER_MAX_DELIVERIES) {
      const delay = Math.min(this.config.NOTIFIER_RETRY_MAX_MS, Math.max(this.retryDelay(deliveries), retryAfter));
      this.metrics.retried++;
      log("warn", "consumer: email not sent; retrying", { ...fields, retryInMs: delay, retryable: err instanceof MailSendError ? err.retryable : true });
      msg.nak(delay);
      return;
    }
    try {
      await this.db
        .insert(notifierDeadLetters)
        .values({ eventId: event.id, subject: msg.subject, streamSequence: msg.seq, deliveries, lastError: error, payload: event })
        .onConflictDoUpdate({ target: notifierDeadLetters.eventId, set: { deliveries, lastError: error, deadAt: new Date() } });
      this.metrics.deadLettered++;
      log("error", "consumer: email failed on its last delivery; moved to notifier_dead_letters", fields);
      msg.term();
    } catch (dbErr) {
      // JetStream will not deliver it again: this log line is the only record left.
      log("error", "consumer: email failed on its last delivery and could not be dead-lettered", {
        ...fields,
        event,
        deadLetterError: describeError(dbErr).error,
      });
      msg.term();
    }
  }

  private retryDelay(deliveries: number): number {
    return backoffDelay(deliveries, this.config.NOTIFIER_RETRY_BASE_MS, this.config.NOTIFIER_RETRY_MAX_MS);
  }
}
