import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

/** Counters since this process started; Prometheus turns them into rates. */
export class NotifierMetrics {
  /** Outbox rows whose PubAck came back (re-publishes the stream dropped as duplicates included). */
  published = 0;
  /** Re-publishes JetStream recognised by Nats-Msg-Id and did not store again. */
  publishDuplicates = 0;
  relayFailures = 0;
  /** Emails the provider accepted, per event type. */
  readonly sent = new Map<string, number>();
  /** Deliveries answered with a nak: the email is tried again after a back-off. */
  retried = 0;
  /** Deliveries whose email was already in the sent log: acknowledged without sending. */
  alreadySent = 0;
  deadLettered = 0;
  rejected = 0;
  /** Partner webhooks: deliveries that got a 2xx, attempts that did not, deliveries given up, endpoints disabled. */
  webhooksDelivered = 0;
  webhookAttemptsFailed = 0;
  webhooksGivenUp = 0;
  webhookEndpointsDisabled = 0;

  countSent(type: string) {
    this.sent.set(type, (this.sent.get(type) ?? 0) + 1);
  }

  get sentTotal(): number {
    let total = 0;
    for (const n of this.sent.values()) total += n;
    return total;
  }
}

/** The Prometheus text exposition (version 0.0.4) of the counters and the outbox gauges. */
export async function renderMetrics(metrics: NotifierMetrics, db: Database, relaySinceProgressMs: number): Promise<string> {
  const [outbox] = await db.execute<{ backlog: number; oldest: number | null }>(sql`
    select count(*)::int as backlog, extract(epoch from now() - min(occurred_at))::float8 as oldest
    from outbox_events where published_at is null`);
  const lines: string[] = [];
  const metric = (name: string, type: "counter" | "gauge", help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric("notifier_outbox_backlog", "gauge", "Outbox events not yet published to JetStream.", [["", outbox?.backlog ?? 0]]);
  metric("notifier_outbox_oldest_age_seconds", "gauge", "Age of the oldest unpublished outbox event (0 when none).", [
    ["", Math.max(0, outbox?.oldest ?? 0)],
  ]);
  metric("notifier_relay_seconds_since_progress", "gauge", "Seconds since the relay last completed a round (a growing value with a backlog: stalled).", [
    ["", relaySinceProgressMs / 1000],
  ]);
  metric("notifier_events_published_total", "counter", "Outbox events published to JetStream (PubAck received).", [["", metrics.published]]);
  metric("notifier_publish_duplicates_total", "counter", "Re-publishes JetStream dropped by Nats-Msg-Id.", [["", metrics.publishDuplicates]]);
  metric("notifier_relay_failures_total", "counter", "Relay attempts that failed (NATS or PostgreSQL unavailable).", [["", metrics.relayFailures]]);
  const sent = [...metrics.sent].map(([type, n]): [string, number] => [`{type="${type}"}`, n]);
  metric("notifier_emails_sent_total", "counter", "Emails the mail provider accepted, per event type.", sent.length ? sent : [["", 0]]);
  metric("notifier_deliveries_retried_total", "counter", "Deliveries whose send failed and will be retried after a back-off.", [
    ["", metrics.retried],
  ]);
  metric("notifier_redeliveries_already_sent_total", "counter", "Redelivered events whose email was already sent (not sent again).", [
    ["", metrics.alreadySent],
  ]);
  metric("notifier_dead_lettered_total", "counter", "Events moved to notifier_dead_letters after their last delivery.", [
    ["", metrics.deadLettered],
  ]);
  metric("notifier_rejected_messages_total", "counter", "Messages that were not valid booking events (terminated).", [["", metrics.rejected]]);
  metric("notifier_webhooks_delivered_total", "counter", "Webhook deliveries an endpoint answered with 2xx.", [["", metrics.webhooksDelivered]]);
  metric("notifier_webhook_attempts_failed_total", "counter", "Webhook attempts that failed (retried later or given up).", [["", metrics.webhookAttemptsFailed]]);
  metric("notifier_webhooks_given_up_total", "counter", "Webhook deliveries given up after WEBHOOK_RETRY_FOR_MS.", [["", metrics.webhooksGivenUp]]);
  metric("notifier_webhook_endpoints_disabled_total", "counter", "Webhook endpoints disabled after a long run of failures.", [["", metrics.webhookEndpointsDisabled]]);
  return `${lines.join("\n")}\n`;
}
