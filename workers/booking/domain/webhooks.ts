import { sql } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { AppError, notFound } from "../../../shared/errors";
import { keyset, type Page, type PageRequest } from "../../../shared/pagination";
import type { ResolveHost } from "./webhook-url";
import { checkWebhookUrl } from "./webhook-url";

/**
 * Partner webhooks, the admin's side: endpoints and their delivery log. Delivery itself is the
 * notifier's (notifier/webhooks/); this side only writes rows the notifier reads.
 */

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  createdAt: string;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
}

interface EndpointRow extends Record<string, unknown> {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  created_at: string | Date;
  disabled_at: string | Date | null;
  disabled_reason: string | null;
  consecutive_failures: number;
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

// Arrays as JSON: in workerd postgres.js does not fetch array types, so a text[] would come back as its text form.
const endpointColumns = sql`id, url, description, array_to_json(event_types) as event_types, created_at, disabled_at, disabled_reason, consecutive_failures`;

const endpointView = (r: EndpointRow): WebhookView => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  createdAt: iso(r.created_at)!,
  enabled: r.disabled_at === null,
  disabledAt: iso(r.disabled_at),
  disabledReason: r.disabled_reason,
  consecutiveFailures: r.consecutive_failures,
});

/** 256 random bits, base64url, with a prefix that says what it is when it turns up in a log or a diff. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export interface NewWebhookRequest {
  url: string;
  eventTypes: string[];
  description?: string;
}

/** Registers an endpoint (its URL checked first) and answers with its secret, the only time it is shown. */
export async function registerWebhook(
  db: Queryable,
  adminId: string,
  request: NewWebhookRequest,
  urlPolicy: { production: boolean; resolve: ResolveHost },
): Promise<WebhookView & { secret: string }> {
  const url = await checkWebhookUrl(request.url, urlPolicy.production, urlPolicy.resolve);
  const types = [...new Set(request.eventTypes)];
  const secret = newSecret();
  const [row] = await db.execute<EndpointRow>(sql`
    insert into webhook_endpoints (url, description, event_types, secret, created_by)
    values (${url}, ${request.description ?? null}, array(select jsonb_array_elements_text(${JSON.stringify(types)}::jsonb)), ${secret}, ${adminId})
    returning ${endpointColumns}`);
  return { ...endpointView(row!), secret };
}

export async function listWebhooks(db: Queryable, { limit, cursor }: PageRequest): Promise<Page<WebhookView>> {
  const page = keyset<EndpointRow>(
    [
      { name: "createdAt", sql: sql`created_at`, type: "timestamp", descending: true, value: (r) => iso(r.created_at)! },
      { name: "id", sql: sql`id`, type: "uuid", descending: true, value: (r) => r.id },
    ],
    cursor,
  );
  const rows = await db.execute<EndpointRow>(sql`
    select ${endpointColumns} from webhook_endpoints where ${page.after ?? sql`true`}
    order by ${sql.join(page.orderBy, sql`, `)} limit ${limit + 1}`);
  return page.page(rows, limit, endpointView);
}

export async function findWebhook(db: Queryable, id: string): Promise<WebhookView> {
  const [row] = await db.execute<EndpointRow>(sql`select ${endpointColumns} from webhook_endpoints where id = ${id}`);
  if (!row) throw notFound("Webhook");
  return endpointView(row);
}

/** Deletes an endpoint and its delivery log; an attempt already in flight finishes and is not recorded. */
export async function deleteWebhook(db: Queryable, id: string): Promise<void> {
  const deleted = await db.execute(sql`delete from webhook_endpoints where id = ${id} returning id`);
  if (deleted.length === 0) throw notFound("Webhook");
}

/**
 * Enables a disabled endpoint again: its run of failures starts over. Deliveries that were given up
 * when it was disabled stay failed (redeliver the ones that matter); new events reach it again.
 */
export async function enableWebhook(db: Queryable, id: string): Promise<WebhookView> {
  const [row] = await db.execute<EndpointRow>(sql`
    update webhook_endpoints
    set disabled_at = null, disabled_reason = null, disabled_notice_sent_at = null, consecutive_failures = 0, failing_since = null
    where id = ${id}
    returning ${endpointColumns}`);
  if (!row) throw notFound("Webhook");
  return endpointView(row);
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  state: "pending" | "sending" | "delivered" | "failed";
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  deliveredAt: string | null;
}

interface DeliveryRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  event_type: string;
  state: DeliveryView["state"];
  attempts: number;
  created_at: string | Date;
  next_attempt_at: string | Date;
  last_attempt_at: string | Date | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  delivered_at: string | Date | null;
}

const deliveryColumns = sql`d.id, d.event_id, e.type as event_type, d.state, d.attempts, d.created_at, d.next_attempt_at,
  d.last_attempt_at, d.last_status, d.last_error, d.last_duration_ms, d.delivered_at`;

const deliveryView = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  state: r.state,
  attempts: r.attempts,
  createdAt: iso(r.created_at)!,
  nextAttemptAt: r.state === "pending" ? iso(r.next_attempt_at) : null,
  lastAttemptAt: iso(r.last_attempt_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  lastDurationMs: r.last_duration_ms,
  deliveredAt: iso(r.delivered_at),
});

/** The endpoint's delivery log, newest first. */
export async function listDeliveries(db: Queryable, endpointId: string, { limit, cursor }: PageRequest): Promise<Page<DeliveryView>> {
  const [endpoint] = await db.execute(sql`select 1 from webhook_endpoints where id = ${endpointId}`);
  if (!endpoint) throw notFound("Webhook");
  const page = keyset<DeliveryRow>(
    [
      { name: "createdAt", sql: sql`d.created_at`, type: "timestamp", descending: true, value: (r) => iso(r.created_at)! },
      { name: "id", sql: sql`d.id`, type: "uuid", descending: true, value: (r) => r.id },
    ],
    cursor,
  );
  const rows = await db.execute<DeliveryRow>(sql`
    select ${deliveryColumns} from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.endpoint_id = ${endpointId} and ${page.after ?? sql`true`}
    order by ${sql.join(page.orderBy, sql`, `)} limit ${limit + 1}`);
  return page.page(rows, limit, deliveryView);
}

/**
 * Sends a delivery again now, whatever became of it: a new run of attempts with the usual back-off
 * (one waiting for a retry is just brought forward). One with an attempt in flight, or of a
 * disabled endpoint, is a 409.
 */
export async function redeliver(db: Queryable, endpointId: string, deliveryId: string): Promise<DeliveryView> {
  const [found] = await db.execute<{ state: DeliveryView["state"]; disabled: boolean }>(sql`
    select d.state, w.disabled_at is not null as disabled
    from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
    where d.id = ${deliveryId} and d.endpoint_id = ${endpointId}`);
  if (!found) throw notFound("Delivery");
  if (found.disabled) throw new AppError("INVALID_STATE", "The webhook is disabled: enable it first.");
  const [row] = await db.execute<DeliveryRow>(sql`
    with updated as (
      update webhook_deliveries
      set state = 'pending', next_attempt_at = now(), retry_from = now(), attempts = 0, leased_until = null
      where id = ${deliveryId} and state <> 'sending'
      returning *
    )
    select ${deliveryColumns} from updated d join webhook_events e on e.id = d.event_id`);
  if (!row) throw new AppError("INVALID_STATE", "An attempt of this delivery is in flight; try again when it has ended.");
  return deliveryView(row);
}
