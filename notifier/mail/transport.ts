// The notifier is a Node process, not a Worker: the file system is its development mailbox.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { Resend } from "resend";
import { log } from "../../shared/http/log";
import type { Email } from "./templates";

export interface SentEmail {
  /** The provider's id for the accepted email (Resend's email id, or the mailbox file's path). */
  messageId: string;
}

/**
 * A send that did not go through. `retryable` failures (rate limits, provider outages, timeouts)
 * should succeed later; the others (a rejected address, a bad request) probably will not, but are
 * retried the same few times before they are dead-lettered.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null,
    /** The provider's Retry-After, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "MailSendError";
  }
}

export interface MailTransport {
  readonly provider: "resend" | "development";
  /**
   * Sends one email. `idempotencyKey` is the event id: the same key with the same email sends it
   * at most once, however often it is called (the provider remembers it for 24 hours).
   */
  send(email: Email, idempotencyKey: string): Promise<SentEmail>;
}

/** Resend through its SDK. RESEND_BASE_URL points it elsewhere (a regional endpoint, a test stub). */
export class ResendTransport implements MailTransport {
  readonly provider = "resend";
  private readonly resend: Resend;

  constructor(
    apiKey: string,
    private readonly from: string,
    private readonly timeoutMs: number,
    baseUrl?: string,
  ) {
    this.resend = new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : undefined);
  }

  async send(email: Email, idempotencyKey: string): Promise<SentEmail> {
    const { data, error, headers } = await this.resend.emails.send(
      { from: this.from, to: email.to, subject: email.subject, html: email.html, text: email.text },
      { idempotencyKey, signal: AbortSignal.timeout(this.timeoutMs) },
    );
    if (data) return { messageId: data.id };
    const status = error?.statusCode ?? null;
    const retryable =
      status === null || // no answer: network failure or timeout
      status === 429 || // rate or quota limit
      status >= 500 ||
      error?.name === "concurrent_idempotent_requests"; // our own earlier attempt is still running
    const retryAfter = Number(headers?.["retry-after"]);
    throw new MailSendError(
      `Resend ${status ?? "unreachable"}${error?.name ? ` ${error.name}` : ""}: ${error?.message ?? "no answer"}`,
      retryable,
      status,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

/**
 * Development only: no email leaves the machine. Each email becomes one .eml file under `dir`
 * (open it with any mail client), named by the event id, so sending it again rewrites the same file.
 */
export class DevelopmentMailbox implements MailTransport {
  readonly provider = "development";

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(email: Email, idempotencyKey: string): Promise<SentEmail> {
    await mkdir(this.dir, { recursive: true });
    const file = path.resolve(this.dir, `${idempotencyKey}.eml`);
    const boundary = `=_${idempotencyKey}`;
    const eml = [
      `From: ${this.from}`,
      `To: ${email.to}`,
      `Subject: ${encodeHeader(email.subject)}`,
      `Message-ID: <${idempotencyKey}@notifier.invalid>`,
      `Date: ${new Date().toUTCString()}`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      email.text,
      `--${boundary}`,
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      email.html,
      `--${boundary}--`,
      "",
    ].join("\r\n");
    // Written aside and renamed, so a reader never sees half an email.
    await writeFile(`${file}.tmp`, eml);
    await rename(`${file}.tmp`, file);
    log("info", "development mailbox: email written (RESEND_API_KEY is unset, nothing was sent)", {
      worker: "notifier",
      to: email.to,
      subject: email.subject,
      path: file,
    });
    return { messageId: file };
  }
}

/** RFC 2047 for a subject with non-ASCII characters (→, ₹). */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?utf-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}?=`;
}

export function transportFor(config: {
  RESEND_API_KEY?: string | undefined;
  RESEND_BASE_URL?: string | undefined;
  EMAIL_FROM: string;
  MAIL_DIR: string;
  NOTIFIER_SEND_TIMEOUT_MS: number;
}): MailTransport {
  if (config.RESEND_API_KEY) {
    return new ResendTransport(config.RESEND_API_KEY, config.EMAIL_FROM, config.NOTIFIER_SEND_TIMEOUT_MS, config.RESEND_BASE_URL);
  }
  return new DevelopmentMailbox(config.MAIL_DIR, config.EMAIL_FROM);
}
