import ipaddr from "ipaddr.js";
import { BOOKING_EVENT_TYPES, eventSubject, FLIGHT_CHANGED } from "./events";

/**
 * Partner webhooks: what both sides of them share. The booking worker registers endpoints (and
 * checks their addresses); the notifier delivers (and checks the addresses again as it connects).
 */

/** The types a partner can subscribe to: every booking event's subject, and the flight-level change. */
export const WEBHOOK_EVENT_TYPES = [...BOOKING_EVENT_TYPES.map(eventSubject), FLIGHT_CHANGED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** An endpoint's filter: event types, or `*` for all (including types added later). */
export const WEBHOOK_EVENT_FILTERS = ["*", ...WEBHOOK_EVENT_TYPES] as const;

/** The headers of a delivery (docs/api-notes.md, "Webhooks": how a receiver verifies them). */
export const WEBHOOK_HEADERS = {
  /** The event's id: the same on every retry and every endpoint (receivers deduplicate by it). */
  id: "Webhook-Id",
  /** Unix seconds when this attempt was signed. */
  timestamp: "Webhook-Timestamp",
  /** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the endpoint's secret>`. */
  signature: "Webhook-Signature",
} as const;

/** How old a signed timestamp a receiver should accept, at most (replays of older ones are refused). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The Webhook-Signature value for a body sent at `timestamp` (unix seconds). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(`${timestamp}.${body}`));
  return `v1=${hex(mac)}`;
}

/**
 * What a receiver does (and what the tests do): the timestamp within the tolerance of its clock,
 * and one v1 signature of the header equal, compared in constant time by WebCrypto's verify.
 */
export async function verifyWebhook(
  secret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): Promise<boolean> {
  const timestamp = Number(headers.timestamp);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const key = await hmacKey(secret);
  const data = new TextEncoder().encode(`${timestamp}.${body}`);
  for (const part of (headers.signature ?? "").split(",")) {
    const [scheme, value] = part.trim().split("=");
    if (scheme !== "v1" || !value || !/^[0-9a-f]{64}$/.test(value)) continue;
    const mac = Uint8Array.from(value.match(/../g)!, (h) => parseInt(h, 16));
    if (await crypto.subtle.verify("HMAC", key, mac, data)) return true;
  }
  return false;
}

/**
 * Whether a partner may be sent to this address in production: only public unicast addresses.
 * Loopback, private (RFC 1918, unique-local), link-local (cloud metadata lives there), carrier-grade
 * NAT, multicast, reserved and unspecified ranges are not; an IPv4-mapped IPv6 address is judged
 * as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // ipaddr.js names every special range (loopback, private, uniqueLocal, linkLocal,
  // carrierGradeNat, multicast, reserved, teredo, 6to4, …); only "unicast" is the public Internet.
  return ipaddr.process(address).range() === "unicast";
}

/** An IP literal as URL hosts spell them (`[::1]` for IPv6), else undefined. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : undefined;
}
