import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/config";
import { BOOKING_EVENT_TYPES, type BookingEvent, BookingEventSchema } from "../../shared/events";
import { parseNotifierConfig } from "../../notifier/config";
import { SendRateLimit } from "../../notifier/mail/rate-limit";
import { renderEmail } from "../../notifier/mail/templates";
import { DevelopmentMailbox, ResendTransport, transportFor } from "../../notifier/mail/transport";

/** An event as recordBookingEvents writes it (jsonb renders instants with +00:00). */
function event(type: string, overrides: Partial<BookingEvent["booking"]> = {}): BookingEvent {
  return BookingEventSchema.parse({
    id: crypto.randomUUID(),
    type,
    occurredAt: "2029-12-20T10:00:00.123456+00:00",
    booking: {
      id: crypto.randomUUID(),
      status: "held",
      flightId: crypto.randomUUID(),
      flightNumber: "AI 865",
      from: "DEL",
      to: "JFK",
      departureTime: "2030-01-15T20:00:00+00:00",
      departureTimeZone: "Asia/Kolkata",
      arrivalTime: "2030-01-16T07:30:00+00:00",
      arrivalTimeZone: "America/New_York",
      seats: ["12A", "12B"],
      passengers: [
        { name: "Asha Rao", seat: "12A" },
        { name: "Ravi Rao", seat: "12B" },
      ],
      totalAmount: { amount: 123_456_50, currency: "INR" },
      holdExpiresAt: "2029-12-20T10:15:00+00:00",
      ...overrides,
    },
    user: { email: "asha@example.com", name: "Asha Rao" },
  });
}

describe("one email per event type", () => {
  it("every type names the flight, the route and the local departure time, in HTML and text", () => {
    for (const type of BOOKING_EVENT_TYPES) {
      const email = renderEmail(event(`bookings.${type}`));
      expect(email.to).toBe("asha@example.com");
      expect(email.subject).toContain("AI 865 DEL → JFK");
      // 20:00 UTC is 01:30 the next day in Kolkata; the arrival is 02:30 in New York.
      for (const body of [email.text, email.html]) {
        expect(body, type).toContain("Wed, 16 Jan 2030, 01:30 GMT+5:30");
        expect(body, type).toContain("Wed, 16 Jan 2030, 02:30 GMT-5");
        expect(body, type).toContain("Asha Rao (12A), Ravi Rao (12B)");
        expect(body, type).toContain("₹1,23,456.50");
      }
      expect(email.html).toMatch(/^<!doctype html>/);
    }
  });

  it("the hold's email gives the deadline to pay by in the departure airport's time", () => {
    const email = renderEmail(event("bookings.held"));
    expect(email.subject).toBe("Seats held on AI 865 DEL → JFK: pay by Thu, 20 Dec 2029, 15:45 GMT+5:30");
    expect(email.text).toContain("until Thu, 20 Dec 2029, 15:45 GMT+5:30 (Asia/Kolkata time)");
  });

  it("each type has its own subject", () => {
    const subjects = BOOKING_EVENT_TYPES.map((type) => renderEmail(event(`bookings.${type}`)).subject.split(":")[0]);
    expect(subjects).toEqual([
      "Seats held on AI 865 DEL → JFK",
      "Booking confirmed",
      "Booking cancelled",
      "Your hold expired",
      "Reminder",
      "Your flight's time changed",
      "Your flight is delayed",
      "Gate change",
      "Your flight is cancelled",
      "Payment refunded",
    ]);
  });

  it("escapes names in HTML", () => {
    const email = renderEmail(event("bookings.confirmed", { passengers: [{ name: "<script>x</script>", seat: "1A" }] }));
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(email.text).toContain("<script>x</script> (1A)");
  });

  it("renders the same email every time (a resend must match what Resend stored under the key)", () => {
    const e = event("bookings.reminder");
    expect(renderEmail(e)).toEqual(renderEmail(e));
  });
});

describe("transports", () => {
  it("without RESEND_API_KEY the development mailbox writes one .eml per event under MAIL_DIR", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "airline-mailbox-"));
    try {
      const config = parseNotifierConfig({ DATABASE_URL: "postgres://x@localhost/db", MAIL_DIR: dir, RESEND_API_KEY: "" });
      const transport = transportFor(config);
      expect(transport).toBeInstanceOf(DevelopmentMailbox);
      const e = event("bookings.confirmed");
      const sent = await transport.send(renderEmail(e), e.id);
      await transport.send(renderEmail(e), e.id); // the same event again: the same file
      expect(sent.messageId).toBe(path.join(dir, `${e.id}.eml`));
      expect(readdirSync(dir)).toEqual([`${e.id}.eml`]);
      const eml = readFileSync(sent.messageId, "utf8");
      expect(eml).toContain("From: Airline <bookings@example.com>\r\nTo: asha@example.com\r\nSubject: =?utf-8?B?");
      expect(eml).toContain("Content-Type: text/plain; charset=utf-8");
      expect(eml).toContain("Content-Type: text/html; charset=utf-8");
      expect(eml).toContain("Wed, 16 Jan 2030, 01:30 GMT+5:30");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with RESEND_API_KEY the Resend SDK sends", () => {
    const config = parseNotifierConfig({ DATABASE_URL: "postgres://x@localhost/db", RESEND_API_KEY: "re_123" });
    expect(transportFor(config)).toBeInstanceOf(ResendTransport);
  });
});

describe("the send rate limit", () => {
  const sleep = async (ms: number) => {
    await new Promise((r) => setTimeout(r, ms));
    return false;
  };

  it("spaces sends to the rate, pauses them after a 429, and keeps the message alive meanwhile", async () => {
    const limit = new SendRateLimit(50); // one send every 20 ms
    const start = performance.now();
    for (let i = 0; i < 6; i++) expect(await limit.take(() => {}, 1_000, sleep)).toBe(true);
    expect(performance.now() - start).toBeGreaterThanOrEqual(90); // five gaps of 20 ms

    limit.pause(200);
    let keptAlive = 0;
    const paused = performance.now();
    await limit.take(() => keptAlive++, 50, sleep);
    expect(performance.now() - paused).toBeGreaterThanOrEqual(190);
    expect(keptAlive).toBeGreaterThanOrEqual(3);
  });

  it("gives up its turn when the notifier stops", async () => {
    const limit = new SendRateLimit(1);
    await limit.take(() => {}, 1_000, sleep);
    expect(await limit.take(() => {}, 1_000, async () => true)).toBe(false);
  });
});

describe("configuration", () => {
  it("has defaults for everything but the database", () => {
    const config = parseNotifierConfig({ DATABASE_URL: "postgres://x@localhost/db" });
    expect(config).toMatchObject({
      NATS_URL: "nats://127.0.0.1:4222",
      EMAIL_FROM: "Airline <bookings@example.com>",
      NOTIFIER_PORT: 8791,
      MAIL_DIR: ".data/mail",
      NOTIFIER_MAX_DELIVERIES: 5,
      NOTIFIER_ACK_WAIT_MS: 10_000,
      NATS_DUPLICATE_WINDOW_MS: 120_000,
    });
    expect(config.NOTIFIER_RELAY_RETRY_MAX_MS).toBeLessThan(config.NATS_DUPLICATE_WINDOW_MS);
  });

  it("refuses a relay back-off as long as the duplicate window, in one line", () => {
    expect(() =>
      parseNotifierConfig({ DATABASE_URL: "postgres://x@localhost/db", NOTIFIER_RELAY_RETRY_MAX_MS: "120000" }),
    ).toThrow(new ConfigError("Invalid configuration: NOTIFIER_RELAY_RETRY_MAX_MS must be below NATS_DUPLICATE_WINDOW_MS"));
    expect(() => parseNotifierConfig({})).toThrow(new ConfigError("Invalid configuration: DATABASE_URL is required"));
    expect(() => parseNotifierConfig({ DATABASE_URL: "postgres://x@localhost/db", RESEND_BASE_URL: "nope" })).toThrow(
      "RESEND_BASE_URL must be a URL",
    );
  });
});
