import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { describeError, log } from "../../shared/http/log";
import { signWebhook, WEBHOOK_HEADERS } from "../../shared/webhooks";
import type { NotifierConfig } from "../config";
import type { MailTransport } from "../mail/transport";
import type { NotifierMetrics } from "../metrics";
import { Wakeup } from "../wakeup";
import { renderDisabledNotice } from "./notice";
import type { AttemptOutcome, WebhookSender } from "./sender";

/** Beyond the request's own time limit, before an attempt whose process died is taken to be lost. */
const LEASE_MARGIN_MS = 30_000;
/** How often lost attempts are recovered and disabled endpoints' admins emailed. */
const HOUSEKEEPING_EVERY_MS = 2_000;

interface Claimed extends Record<string, unknown> {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  retry_from: string | Date;
  body: string;
  url: string;
  secret: string;
}

/**
 * Delivers due webhook deliveries (rows of webhook_deliveries) and schedules their retries.
 *
 * Each round claims what is due, oldest first, at most WEBHOOK_CONCURRENCY in flight in all and
 * WEBHOOK_ENDPOINT_CONCURRENCY per endpoint: an endpoint that never answers holds its own few
 * slots until WEBHOOK_TIMEOUT_MS, and everyone else's deliveries keep going. A claim marks the row
 * `sending` with a lease; if the process dies mid-attempt the lease runs out and the row is due
 * again (at least once). The outcome is recorded on the row: delivered, or the next attempt after
 * base × 2^(attempt − 1), or failed once WEBHOOK_RETRY_FOR_MS has passed. A long run of failures
 * disables the endpoint and its admin is emailed once.
 */
export class WebhookDispatcher {
  private readonly wakeup = new Wakeup();
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private lastNotice = 0;
  /** Requests in flight per endpoint (this process's): what the per-endpoint limit counts. */
  private readonly busy = new Map<string, number>();
  private requests = 0;
  private successes: { id: string; status: number | null; ms: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private successTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly sender: WebhookSender,
    private readonly mail: MailTransport,
    private readonly config: NotifierConfig,
    private readonly metrics: NotifierMetrics,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** New deliveries were written (or a slot freed): look now rather than at the next poll. */
  ring(): void {
    this.wakeup.ring();
  }

  /** Stops claiming and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.wakeup.close();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run() {
    let failures = 0;
    while (!this.wakeup.isClosed) {
      try {
        // Woken by attempts ending: let a few more end first, so one claim serves them all.
        if (this.requests > 0) await new Promise((r) => setTimeout(r, 2));
        const free = this.config.WEBHOOK_CONCURRENCY - this.requests;
        const claimed = free > 0 ? await this.claim(free) : [];
        for (const delivery of claimed) {
          this.requests++;
          this.busy.set(delivery.endpoint_id, (this.busy.get(delivery.endpoint_id) ?? 0) + 1);
          this.track(this.attempt(delivery));
        }
        if (Date.now() - this.lastNotice >= HOUSEKEEPING_EVERY_MS) {
          this.lastNotice = Date.now();
          await this.recoverLostAttempts();
          await this.sendDisabledNotices();
        }
        failures = 0;
        // A full claim may have left more due work: go again at once (when a slot is free).
        if (claimed.length > 0 && claimed.length === free) continue;
        await this.wakeup.wait(this.config.WEBHOOK_POLL_MS);
      } catch (err) {
        failures++;
        const delay = Math.min(this.config.NOTIFIER_RELAY_RETRY_MAX_MS, 250 * 2 ** Math.min(failures, 8));
        log("warn", "webhooks: cannot claim deliveries; retrying", { worker: "notifier", retryInMs: delay, error: describeError(err).error });
        await this.wakeup.wait(delay);
      }
    }
  }

  private track(task: Promise<void>) {
    const tracked: Promise<void> = task
      .catch((err) => log("error", "webhooks: could not record an attempt; its lease will run out and it is retried", { worker: "notifier", ...describeError(err) }))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wakeup.ring();
      });
    this.inFlight.add(tracked);
  }

  /**
   * Due deliveries, oldest first, within both limits, marked sending with a lease: one statement.
   * Rows another notifier is claiming are skipped (SKIP LOCKED, and the state is checked again as
   * the row is updated), so no delivery is claimed twice. The limits count this process's requests
   * in flight (a slot is free again as soon as the answer is in, before the outcome is written):
   * notifiers sharing a database each apply them.
   */
  private async claim(free: number): Promise<Claimed[]> {
    const perEndpoint = this.config.WEBHOOK_ENDPOINT_CONCURRENCY;
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
    const busy = JSON.stringify(Object.fromEntries(this.busy));
    return this.db.execute<Claimed>(sql`
      with due as (
        select d.id, d.next_attempt_at from webhook_endpoints e
        cross join lateral (
          select d.id, d.next_attempt_at from webhook_deliveries d
          where d.endpoint_id = e.id and d.state = 'pending' and d.next_attempt_at <= now()
          order by d.next_attempt_at
          limit greatest(0, ${perEndpoint}::int - coalesce((${busy}::jsonb ->> e.id::text)::int, 0))
          for update of d skip locked
        ) d
        where e.disabled_at is null
        order by d.next_attempt_at
        limit ${free}::int
      )
      update webhook_deliveries w
      set state = 'sending', leased_until = now() + ${leaseMs}::int * interval '1 millisecond', attempts = w.attempts + 1, last_attempt_at = now()
      from due, webhook_events ev, webhook_endpoints e
      where w.id = due.id and w.state = 'pending' and ev.id = w.event_id and e.id = w.endpoint_id
      returning w.id, w.endpoint_id, w.event_id, w.attempts, w.retry_from, ev.body, e.url, e.secret`);
  }

  /** Attempts whose process died (the lease ran out): due again, or given up if their endpoint was disabled meanwhile. */
  private async recoverLostAttempts() {
    await this.db.execute(sql`
      update webhook_deliveries d
      set state = case when e.disabled_at is null then 'pending'::webhook_delivery_state else 'failed' end, leased_until = null
      from webhook_endpoints e
      where e.id = d.endpoint_id and d.state = 'sending' and d.leased_until < now()`);
  }

  private async attempt(d: Claimed): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    let outcome: AttemptOutcome;
    try {
      outcome = await this.sender.post(d.url, d.body, {
        [WEBHOOK_HEADERS.id]: d.event_id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: await signWebhook(d.secret, timestamp, d.body),
      });
    } finally {
      this.requests--;
      const left = (this.busy.get(d.endpoint_id) ?? 1) - 1;
      if (left > 0) this.busy.set(d.endpoint_id, left);
      else this.busy.delete(d.endpoint_id);
      this.wakeup.ring();
    }
    if (outcome.error === null) await this.delivered(d, outcome);
    else await this.failed(d, outcome);
  }

  /**
   * Successes are recorded in batches (one statement for all that ended within a few
   * milliseconds): under load that is most of the dispatcher's database work. The attempt keeps its
   * slot until its row says delivered, so the limits stay exact.
   */
  private delivered(d: Claimed, outcome: AttemptOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.successes.push({ id: d.id, status: outcome.status, ms: outcome.durationMs, resolve, reject });
      if (this.successes.length >= 64) this.recordSuccesses();
      else this.successTimer ??= setTimeout(() => this.recordSuccesses(), 3);
    });
  }

  private recordSuccesses() {
    clearTimeout(this.successTimer);
    this.successTimer = undefined;
    const batch = this.successes.splice(0);
    if (batch.length === 0) return;
    const rows = JSON.stringify(batch.map(({ id, status, ms }) => ({ id, status, ms })));
    this.db
      .execute(sql`
        with done as (
          update webhook_deliveries w
          set state = 'delivered', delivered_at = now(), leased_until = null, last_status = x.status, last_error = null, last_duration_ms = x.ms
          from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, status int, ms int)
          where w.id = x.id and w.state = 'sending'
          returning w.endpoint_id
        )
        update webhook_endpoints set consecutive_failures = 0, failing_since = null
        where id in (
          -- In id order, as fan-out locks them: no deadlock between the two.
          select id from webhook_endpoints where id in (select endpoint_id from done) and consecutive_failures <> 0 order by id for update
        )`)
      .then(
        () => {
          this.metrics.webhooksDelivered += batch.length;
          for (const b of batch) b.resolve();
        },
        (err) => {
          for (const b of batch) b.reject(err);
        },
      );
  }

  /** base × 2^(attempts − 1), ±10 % so that a burst of failures does not come back as one burst. */
  private retryDelay(attempts: number): number {
    const { WEBHOOK_RETRY_BASE_MS: base, WEBHOOK_RETRY_MAX_MS: max } = this.config;
    const delay = Math.min(max, base * 2 ** Math.min(30, attempts - 1));
    return Math.round(delay * (0.9 + Math.random() * 0.2));
  }

  private async failed(d: Claimed, outcome: AttemptOutcome) {
    const delay = this.retryDelay(d.attempts);
    const giveUp = Date.now() + delay > new Date(d.retry_from).getTime() + this.config.WEBHOOK_RETRY_FOR_MS;
    const error = outcome.error!.slice(0, 1_000);
    const disabled = await this.db.transaction(async (tx) => {
      // Failures of one endpoint's attempts in flight together take turns: one that disables the
      // endpoint gives up what is pending, and the next one must then see it disabled.
      await tx.execute(sql`select 1 from webhook_endpoints where id = ${d.endpoint_id} for update`);
      const recorded = await tx.execute(sql`
        with endpoint as (select disabled_at is not null as disabled from webhook_endpoints where id = ${d.endpoint_id})
        update webhook_deliveries
        -- An endpoint disabled while this attempt was in flight: given up with the rest of its deliveries.
        set state = case when ${giveUp} or (select disabled from endpoint) then 'failed'::webhook_delivery_state else 'pending' end,
            next_attempt_at = now() + ${delay}::int * interval '1 millisecond', leased_until = null,
            last_status = ${outcome.status}, last_duration_ms = ${outcome.durationMs},
            last_error = case when (select disabled from endpoint) then ${error} || '; the endpoint was disabled' else ${error} end
        where id = ${d.id} and state = 'sending'
        returning id`);
      if (recorded.length === 0) return false; // the endpoint was deleted meanwhile
      const [endpoint] = await tx.execute<{ disable: boolean }>(sql`
        update webhook_endpoints
        set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now())
        where id = ${d.endpoint_id}
        returning disabled_at is null
          and consecutive_failures >= ${this.config.WEBHOOK_DISABLE_AFTER_FAILURES}::int
          and failing_since <= now() - ${this.config.WEBHOOK_DISABLE_AFTER_MS}::float8 * interval '1 millisecond' as disable`);
      if (!endpoint?.disable) return false;
      const reason = `${this.config.WEBHOOK_DISABLE_AFTER_FAILURES}+ failed attempts in a row; the last: ${error}`.slice(0, 1_000);
      await tx.execute(sql`update webhook_endpoints set disabled_at = now(), disabled_reason = ${reason} where id = ${d.endpoint_id}`);
      // What was still waiting is given up with it: the log says why, and redeliver after enabling brings any back.
      await tx.execute(sql`
        update webhook_deliveries set state = 'failed', last_error = coalesce(last_error || '; ', '') || 'the endpoint was disabled'
        where endpoint_id = ${d.endpoint_id} and state = 'pending'`);
      return true;
    });
    this.metrics.webhookAttemptsFailed++;
    if (giveUp) this.metrics.webhooksGivenUp++;
    const fields = { worker: "notifier", deliveryId: d.id, endpointId: d.endpoint_id, eventId: d.event_id, attempts: d.attempts, status: outcome.status, error };
    if (disabled) {
      this.metrics.webhookEndpointsDisabled++;
      log("error", "webhooks: endpoint disabled after a long run of failures", fields);
      this.ring();
    } else if (giveUp) log("error", "webhooks: delivery given up after WEBHOOK_RETRY_FOR_MS", fields);
    else log("warn", "webhooks: attempt failed; retrying", { ...fields, retryInMs: delay });
  }

  /** Emails the admin who registered each newly disabled endpoint, once (the provider's idempotency key covers a crash between). */
  private async sendDisabledNotices() {
    const endpoints = await this.db.execute<{ id: string; url: string; reason: string | null; disabled_at: string | Date; email: string | null; name: string | null }>(sql`
      select e.id, e.url, e.disabled_reason as reason, e.disabled_at, u.email, u.name
      from webhook_endpoints e left join users u on u.id = e.created_by
      where e.disabled_at is not null and e.disabled_notice_sent_at is null
      limit 20`);
    for (const endpoint of endpoints) {
      try {
        if (endpoint.email) {
          const disabledAt = new Date(endpoint.disabled_at);
          const email = renderDisabledNotice({ to: endpoint.email, name: endpoint.name ?? "", id: endpoint.id, url: endpoint.url, reason: endpoint.reason, disabledAt });
          await this.mail.send(email, `webhook-disabled-${endpoint.id}-${disabledAt.getTime()}`);
        } else {
          log("warn", "webhooks: a disabled endpoint has no admin left to tell", { worker: "notifier", endpointId: endpoint.id });
        }
        await this.db.execute(sql`update webhook_endpoints set disabled_notice_sent_at = now() where id = ${endpoint.id}`);
      } catch (err) {
        log("warn", "webhooks: could not email the admin about a disabled endpoint; will try again", { worker: "notifier", endpointId: endpoint.id, ...describeError(err) });
      }
    }
  }
}
