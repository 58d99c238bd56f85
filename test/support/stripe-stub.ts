import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A PaymentIntent as the stub keeps it (the fields Stripe's SDK and the booking worker read). */
export interface StubIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface StubRefund {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  payment_intent: string;
  status: string;
  idempotencyKey: string | undefined;
}

export interface StubRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: URLSearchParams;
  status: number;
}

export interface StripeEvent {
  id: string;
  object: "event";
  type: string;
  created: number;
  data: { object: unknown };
  livemode: false;
  api_version: string;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
}

export interface StripeStub {
  /** STRIPE_BASE_URL for the SDK. */
  url: string;
  secretKey: string;
  webhookSecret: string;
  intents: Map<string, StubIntent>;
  /** Refunds made, one per distinct Idempotency-Key: what the customer gets back. */
  refunds: StubRefund[];
  /** Every API request, with what it was answered. */
  requests: StubRequest[];
  /** Added to every answer: a slow processor. */
  latencyMs: number;
  /** The next `times` requests to `path` (`/v1/payment_intents`, `/v1/refunds`; any when omitted) are answered `status`, doing nothing. */
  failNext(status: number, times?: number, path?: string): void;
  /** What the customer's browser does with the client secret: the intent moves to `status`. */
  setIntentStatus(id: string, status: string): StubIntent;
  /** A new event (a new id each time) about an object as it is now. */
  event(type: string, object: unknown): StripeEvent;
  /** The Stripe-Signature header for a payload, as Stripe signs it (or with another secret or time). */
  sign(payload: string, options?: { timestamp?: number; secret?: string }): string;
  /** An event as Stripe delivers it: the raw body and its headers. */
  delivery(event: StripeEvent, options?: { timestamp?: number; secret?: string }): { body: string; headers: Record<string, string> };
  close(): Promise<void>;
}

const API_VERSION = "2025-01-01";

/**
 * A local stand-in for the few Stripe endpoints the booking worker calls through the official SDK:
 * create, retrieve and cancel a PaymentIntent, create a refund. Bearer auth with the secret key, form-encoded
 * bodies, Stripe's Idempotency-Key contract (same key: the first answer again, nothing done twice;
 * same key with other parameters: 400 idempotency_error), Stripe's error shape, failures and
 * latency on demand, and webhook events signed with the test secret as Stripe signs them
 * (`t=<unix>,v1=<HMAC-SHA256 of "t.payload">`).
 */
export async function startStripeStub(secretKey = "sk_test_stub", webhookSecret = "whsec_test_stub"): Promise<StripeStub> {
  const byKey = new Map<string, { params: string; status: number; body: unknown }>();
  const failures: { status: number; path?: string }[] = [];
  const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

  const stub: StripeStub = {
    url: "",
    secretKey,
    webhookSecret,
    intents: new Map(),
    refunds: [],
    requests: [],
    latencyMs: 0,
    failNext(status, times = 1, path) {
      for (let i = 0; i < times; i++) failures.push({ status, path });
    },
    setIntentStatus(id, status) {
      const intent = stub.intents.get(id);
      if (!intent) throw new Error(`no PaymentIntent ${id}`);
      intent.status = status;
      return { ...intent };
    },
    event(type, object) {
      return {
        id: newId("evt"),
        object: "event",
        type,
        created: Math.floor(Date.now() / 1000),
        data: { object: structuredClone(object) },
        livemode: false,
        api_version: API_VERSION,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      };
    },
    sign(payload, { timestamp = Math.floor(Date.now() / 1000), secret = webhookSecret } = {}) {
      const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
      return `t=${timestamp},v1=${v1}`;
    },
    delivery(event, options) {
      const body = JSON.stringify(event, null, 2);
      return { body, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": stub.sign(body, options) } };
    },
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const params = new URLSearchParams(raw);
    const path = (req.url ?? "").split("?")[0]!;
    const key = req.headers["idempotency-key"] as string | undefined;
    const answer = async (status: number, body: unknown) => {
      stub.requests.push({ method: req.method ?? "", path, idempotencyKey: key, params, status });
      if (stub.latencyMs > 0) await new Promise((r) => setTimeout(r, stub.latencyMs));
      res.writeHead(status, { "content-type": "application/json", "request-id": newId("req") }).end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) => answer(status, { error: { type, message } });

    if (req.headers.authorization !== `Bearer ${secretKey}`) return fail(401, "invalid_request_error", "Invalid API Key provided.");
    const failure = failures.findIndex((f) => !f.path || f.path === path);
    if (failure >= 0) {
      const { status } = failures.splice(failure, 1)[0]!;
      return fail(status, status >= 500 ? "api_error" : "invalid_request_error", `Stubbed failure ${status}`);
    }
    if (req.method === "GET") {
      const match = /^\/v1\/payment_intents\/([\w]+)$/.exec(path);
      const intent = match && stub.intents.get(match[1]!);
      return intent ? answer(200, intent) : fail(404, "invalid_request_error", "No such payment_intent.");
    }
    if (req.method !== "POST") return fail(404, "invalid_request_error", "Unrecognized request URL.");

    // Idempotency: the first answer again for the same key and parameters, an error for others.
    const seen = key ? byKey.get(`${path} ${key}`) : undefined;
    if (seen) {
      if (seen.params !== raw) return fail(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
      return answer(seen.status, seen.body);
    }
    const remember = (status: number, body: unknown) => {
      if (key) byKey.set(`${path} ${key}`, { params: raw, status, body });
      return answer(status, body);
    };

    if (path === "/v1/payment_intents") {
      const amount = Number(params.get("amount"));
      const currency = params.get("currency") ?? "";
      if (!Number.isInteger(amount) || amount < 1 || !/^[a-z]{3}$/.test(currency)) return fail(400, "invalid_request_error", "Invalid amount or currency.");
      const id = newId("pi");
      const metadata: Record<string, string> = {};
      for (const [name, value] of params) {
        const m = /^metadata\[(.+)\]$/.exec(name);
        if (m) metadata[m[1]!] = value;
      }
      const intent: StubIntent = {
        id,
        object: "payment_intent",
        amount,
        currency,
        status: "requires_payment_method",
        client_secret: `${id}_secret_${randomBytes(8).toString("hex")}`,
        metadata,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
      };
      stub.intents.set(id, intent);
      return remember(200, intent);
    }
    const cancel = /^\/v1\/payment_intents\/(\w+)\/cancel$/.exec(path);
    if (cancel) {
      const intent = stub.intents.get(cancel[1]!);
      if (!intent) return fail(404, "invalid_request_error", "No such payment_intent.");
      if (!["requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"].includes(intent.status)) {
        return fail(400, "invalid_request_error", `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`);
      }
      intent.status = "canceled";
      return remember(200, { ...intent });
    }
    if (path === "/v1/refunds") {
      const intent = stub.intents.get(params.get("payment_intent") ?? "");
      if (!intent) return fail(400, "invalid_request_error", "No such payment_intent.");
      if (intent.status !== "succeeded") return fail(400, "invalid_request_error", "This PaymentIntent has no successful charge to refund.");
      const amount = params.has("amount") ? Number(params.get("amount")) : intent.amount;
      const already = stub.refunds.filter((r) => r.payment_intent === intent.id).reduce((sum, r) => sum + r.amount, 0);
      if (already + amount > intent.amount) return fail(400, "invalid_request_error", "Charge has already been refunded.");
      const refund: StubRefund = { id: newId("re"), object: "refund", amount, currency: intent.currency, payment_intent: intent.id, status: "succeeded", idempotencyKey: key };
      stub.refunds.push(refund);
      const { idempotencyKey: _, ...body } = refund;
      return remember(200, body);
    }
    return fail(404, "invalid_request_error", "Unrecognized request URL.");
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
