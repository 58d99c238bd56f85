import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookSender } from "../../notifier/webhooks/sender";
import { signWebhook, verifyWebhook } from "../../shared/webhooks";
import { type Receiver, startReceiver } from "../support/webhooks";

// The notifier's side of SSRF and signatures, without the rest of the system.
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver?.close());

describe("production: only public addresses, checked as the connection is made", () => {
  const sender = new WebhookSender(true, 2_000);
  afterAll(() => sender.close());
  const port = () => new URL(receiver.url).port;

  it("refuses plain http, internal IP literals and names that resolve to loopback, before any byte is sent", async () => {
    const before = receiver.requests.length;
    expect((await sender.post(receiver.url, "{}", {})).error).toBe("only https endpoints are called in production");
    for (const host of ["127.0.0.1", "[::1]", "10.0.0.1", "169.254.169.254", "[::ffff:127.0.0.1]"]) {
      const outcome = await sender.post(`https://${host}:${port()}/hooks`, "{}", {});
      expect(outcome.status, host).toBeNull();
      expect(outcome.error, host).toMatch(/is not a public address$/);
    }
    const named = await sender.post(`https://localhost:${port()}/hooks`, "{}", {});
    expect(named.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), not a public address$/);
    expect(receiver.requests.length).toBe(before);
  });
});

describe("development", () => {
  it("posts the body with the headers it is given, and reports a non-2xx answer with its status", async () => {
    const sender = new WebhookSender(false, 2_000);
    const ok = await sender.post(receiver.url, '{"a":1}', { "Webhook-Id": "e1" });
    expect(ok).toMatchObject({ status: 200, error: null });
    expect(receiver.requests.at(-1)).toMatchObject({ body: '{"a":1}' });
    expect(receiver.requests.at(-1)!.headers["webhook-id"]).toBe("e1");
    receiver.behaviour = () => 418;
    expect(await sender.post(receiver.url, "{}", {})).toMatchObject({ status: 418, error: "HTTP 418: failing on purpose (418)" });
    receiver.behaviour = () => 200;
    sender.close();
  });
});

describe("signatures", () => {
  it("are HMAC-SHA256 of '<timestamp>.<body>' as any receiver computes it, and are refused outside 5 minutes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"id":"e","type":"bookings.held"}';
    const signature = await signWebhook("whsec_k", now, body);
    expect(signature).toBe(`v1=${createHmac("sha256", "whsec_k").update(`${now}.${body}`).digest("hex")}`);
    expect(await verifyWebhook("whsec_k", { timestamp: String(now), signature }, body, now)).toBe(true);
    expect(await verifyWebhook("whsec_k", { timestamp: String(now), signature: `v1=${"0".repeat(64)}, ${signature}` }, body, now)).toBe(true);
    expect(await verifyWebhook("whsec_k", { timestamp: String(now), signature }, body, now + 301)).toBe(false);
    expect(await verifyWebhook("whsec_k", { timestamp: String(now + 1), signature }, body, now)).toBe(false);
    expect(await verifyWebhook("whsec_k", { timestamp: "soon", signature }, body, now)).toBe(false);
    expect(await verifyWebhook("whsec_k", { timestamp: String(now), signature: undefined }, body, now)).toBe(false);
  });
});
