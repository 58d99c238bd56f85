import Stripe from "stripe";
import * as z from "zod";
import { validationFailed } from "../../../shared/errors";

/**
 * Where money is taken and given back. The booking logic depends only on these interfaces.
 *
 * Two shapes of provider, because two shapes of payment exist:
 * - `immediate`: the charge is decided while the request waits (the approve-all development
 *   provider). The booking is confirmed in the same transaction; the call is in-process.
 * - `intent`: the processor is asked for an intent to be paid (Stripe's PaymentIntent), the client
 *   confirms it with the processor (card details, 3-D Secure), and the processor says it succeeded
 *   in a signed webhook. No PostgreSQL lock is ever held while such a provider is called.
 */
export interface RefundRequest {
  /** The provider's reference of the payment being refunded. */
  paymentReference: string;
  amount: number;
  currency: string;
  /** Derived from our refund row: a retried call never refunds twice. */
  idempotencyKey: string;
}

export interface RefundResult {
  reference: string;
  status: "pending" | "succeeded" | "failed";
}

interface ProviderBase {
  /** Stored with each payment: its refund goes back through the provider that took it. */
  readonly name: string;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ImmediateProvider extends ProviderBase {
  readonly flow: "immediate";
  /** Charges the amount, or throws. `idempotencyKey` lets the processor refuse a double charge. */
  charge(request: { bookingId: string; amount: number; currency: string; idempotencyKey: string }): Promise<{ reference: string }>;
}

/** A PaymentIntent as the booking worker keeps it. */
export interface Intent {
  reference: string;
  clientSecret: string;
  status: string;
  amount: number;
  currency: string;
}

/** A verified webhook event, reduced to what the booking worker acts on. */
export interface ProviderEvent {
  id: string;
  type: string;
  /** The PaymentIntent of a payment_intent.* event. */
  intent?: Intent & { bookingId: string | null };
  /** The refund of a refund.* / charge.refund.* event. */
  refund?: { reference: string; status: string };
}

export interface IntentProvider extends ProviderBase {
  readonly flow: "intent";
  /** Creates the booking's intent; the same idempotency key answers the same intent again. */
  createIntent(request: { bookingId: string; amount: number; currency: string; idempotencyKey: string }): Promise<Intent>;
  retrieveIntent(reference: string): Promise<Intent>;
  /** Cancels an intent nobody should pay any more (its booking was cancelled or expired); throws if it cannot be (already paid). */
  cancelIntent(reference: string, idempotencyKey: string): Promise<Intent>;
  /** Verifies a webhook's signature over its raw body; throws WebhookSignatureError if it is not the provider's. */
  verifyWebhook(rawBody: string, signature: string): Promise<ProviderEvent>;
}

export type PaymentProvider = ImmediateProvider | IntentProvider;

/** The development provider: approves every charge of the correct amount (the booking checks the amount) and every refund. */
export const approveAllProvider: ImmediateProvider = {
  name: "approve-all",
  flow: "immediate",
  async charge({ bookingId }) {
    return { reference: `approved-${bookingId}` };
  },
  async refund({ idempotencyKey }) {
    return { reference: `approved-${idempotencyKey}`, status: "succeeded" };
  },
};

/** A webhook whose signature is missing, wrong or too old: the caller answers 400. */
export class WebhookSignatureError extends Error {}

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Stripe's API address: https://api.stripe.com, or a stub's. */
  baseUrl: string;
  timeoutMs: number;
  webhookToleranceSeconds: number;
}

/** The parts of a Stripe event (and of the objects it carries) that the handlers read. */
const SignedEvent = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.object({ object: z.looseObject({ object: z.string().max(64).optional() }) }),
});
const EventIntent = z.looseObject({
  id: z.string().min(1).max(255),
  status: z.string().max(64),
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3),
  client_secret: z.string().max(1_000).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
const EventRefund = z.looseObject({ id: z.string().min(1).max(255), status: z.string().max(64) });

const intentOf = (pi: Stripe.PaymentIntent): Intent => ({
  reference: pi.id,
  clientSecret: pi.client_secret ?? "",
  status: pi.status,
  amount: pi.amount,
  currency: pi.currency.toUpperCase(),
});

/**
 * Stripe through its official SDK, with the fetch HTTP client and SubtleCrypto so the same code
 * runs in workerd and on Node. Amounts are minor units on both sides; Stripe spells currencies in
 * lower case. The SDK retries a failed call once with the same Idempotency-Key.
 */
export function stripeProvider(settings: StripeSettings): IntentProvider {
  const base = new URL(settings.baseUrl);
  const protocol = base.protocol === "http:" ? "http" : "https";
  const stripe = new Stripe(settings.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    host: base.hostname,
    port: base.port || (protocol === "http" ? 80 : 443),
    protocol,
    timeout: settings.timeoutMs,
    maxNetworkRetries: 1,
    telemetry: false,
  });
  const crypto = Stripe.createSubtleCryptoProvider();

  return {
    name: "stripe",
    flow: "intent",
    async createIntent({ bookingId, amount, currency, idempotencyKey }) {
      const pi = await stripe.paymentIntents.create(
        { amount, currency: currency.toLowerCase(), metadata: { bookingId }, automatic_payment_methods: { enabled: true } },
        { idempotencyKey },
      );
      return intentOf(pi);
    },
    async retrieveIntent(reference) {
      return intentOf(await stripe.paymentIntents.retrieve(reference));
    },
    async cancelIntent(reference, idempotencyKey) {
      return intentOf(await stripe.paymentIntents.cancel(reference, { cancellation_reason: "abandoned" }, { idempotencyKey }));
    },
    async refund({ paymentReference, amount, idempotencyKey }) {
      const refund = await stripe.refunds.create({ payment_intent: paymentReference, amount }, { idempotencyKey });
      const status = refund.status === "succeeded" ? "succeeded" : refund.status === "failed" || refund.status === "canceled" ? "failed" : "pending";
      return { reference: refund.id, status };
    },
    async verifyWebhook(rawBody, signature) {
      let event: Stripe.Event;
      try {
        event = await stripe.webhooks.constructEventAsync(rawBody, signature, settings.webhookSecret, settings.webhookToleranceSeconds, crypto);
      } catch (err) {
        throw new WebhookSignatureError(err instanceof Error ? err.message : "The signature does not verify.");
      }
      // Signed is not well-formed: what the handlers read is checked before they read it.
      const checked = SignedEvent.safeParse(event);
      if (!checked.success) throw validationFailed(checked.error.issues.map((i) => ({ path: ["body", ...i.path].join("."), message: i.message })));
      const { id, type, data } = checked.data;
      if (data.object.object === "payment_intent") {
        const pi = EventIntent.safeParse(data.object);
        if (!pi.success) throw validationFailed(pi.error.issues.map((i) => ({ path: ["body", "data", "object", ...i.path].join("."), message: i.message })));
        const intent = pi.data as unknown as Stripe.PaymentIntent;
        return { id, type, intent: { ...intentOf(intent), bookingId: pi.data.metadata?.bookingId ?? null } };
      }
      if (data.object.object === "refund") {
        const refund = EventRefund.safeParse(data.object);
        if (!refund.success) throw validationFailed(refund.error.issues.map((i) => ({ path: ["body", "data", "object", ...i.path].join("."), message: i.message })));
        return { id, type, refund: { reference: refund.data.id, status: refund.data.status } };
      }
      return { id, type };
    },
  };
}

const providers = new Map<string, IntentProvider>();

/** The provider a configuration asks for: Stripe with a secret key, else approve-all. One Stripe client per isolate and settings. */
export function paymentProviderFor(config: {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_BASE_URL: string;
  STRIPE_TIMEOUT_MS: number;
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: number;
}): PaymentProvider {
  if (!config.STRIPE_SECRET_KEY) return approveAllProvider;
  const settings: StripeSettings = {
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET ?? "",
    baseUrl: config.STRIPE_BASE_URL,
    timeoutMs: config.STRIPE_TIMEOUT_MS,
    webhookToleranceSeconds: config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  };
  const key = JSON.stringify(settings);
  let provider = providers.get(key);
  if (!provider) {
    provider = stripeProvider(settings);
    providers.set(key, provider);
  }
  return provider;
}

/** Every provider that may have taken a payment this worker now refunds: approve-all always, and the configured one. */
export function refundProviders(current: PaymentProvider): Record<string, PaymentProvider> {
  return { [approveAllProvider.name]: approveAllProvider, [current.name]: current };
}
