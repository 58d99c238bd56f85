import type postgres from "postgres";
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** An email the stub accepted: one per idempotency key, as Resend would send it once. */
export interface AcceptedEmail {
  id: string;
  idempotencyKey: string | undefined;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Date.now() with sub-millisecond precision when the stub accepted it. */
  acceptedAt: number;
}

export interface StubRequest {
  idempotencyKey: string | undefined;
  status: number;
  headers: IncomingHttpHeaders;
}

export interface ResendStub {
  /** RESEND_BASE_URL for the SDK. */
  url: string;
  apiKey: string;
  emails: AcceptedEmail[];
  /** Every POST /emails, with what it was answered. */
  requests: StubRequest[];
  /** The next `times` sends are answered `status` (429, 500, 422, …) and send nothing. */
  failNext(status: number, times?: number): void;
  /**
   * The next send is accepted (the email counts as sent) but its answer is held back until
   * `release()`: what a client that dies mid-request leaves behind.
   */
  holdNext(): { accepted: Promise<AcceptedEmail>; release(): void };
  /** Added to every answer, to keep a batch in flight. */
  latencyMs: number;
  close(): Promise<void>;
}

const errorNames: Record<number, string> = {
  400: "validation_error",
  401: "missing_api_key",
  409: "invalid_idempotent_request",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
  503: "application_error",
};

/**
 * A local stand-in for Resend's POST /emails, close enough for its SDK: Bearer auth, the
 * Idempotency-Key contract (same key and body: the first answer again, nothing sent; same key,
 * other body: 409), JSON errors shaped {statusCode, name, message}, and failures on demand.
 */
export async function startResendStub(apiKey = "re_test_key"): Promise<ResendStub> {
  const byKey = new Map<string, { email: AcceptedEmail; bodyHash: string }>();
  const failures: number[] = [];
  const holds: { resolve: (e: AcceptedEmail) => void; released: Promise<void> }[] = [];

  const stub: ResendStub = {
    url: "",
    apiKey,
    emails: [],
    requests: [],
    latencyMs: 0,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    holdNext() {
      let resolve!: (e: AcceptedEmail) => void;
      let release!: () => void;
      const accepted = new Promise<AcceptedEmail>((r) => (resolve = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ resolve, released });
      return { accepted, release };
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
    const key = req.headers["idempotency-key"] as string | undefined;
    const answer = async (status: number, body: unknown) => {
      stub.requests.push({ idempotencyKey: key, status, headers: req.headers });
      if (stub.latencyMs > 0) await new Promise((r) => setTimeout(r, stub.latencyMs));
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const fail = (status: number, message: string) => answer(status, { statusCode: status, name: errorNames[status] ?? "application_error", message });

    if (req.method !== "POST" || req.url !== "/emails") return fail(404, "Not found");
    if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(401, "Missing or invalid API key");
    const failure = failures.shift();
    if (failure !== undefined) return fail(failure, `Stubbed failure ${failure}`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(400, "Invalid JSON");
    }
    for (const field of ["from", "to", "subject", "html", "text"]) {
      if (!body[field]) return fail(422, `Missing \`${field}\` field.`);
    }
    const bodyHash = createHash("sha256").update(raw).digest("hex");
    const seen = key ? byKey.get(key) : undefined;
    if (seen) {
      if (seen.bodyHash !== bodyHash) return fail(409, "Same idempotency key used with a different request payload.");
      return answer(200, { id: seen.email.id });
    }
    const email: AcceptedEmail = {
      id: randomUUID(),
      idempotencyKey: key,
      from: String(body.from),
      to: Array.isArray(body.to) ? String(body.to[0]) : String(body.to),
      subject: String(body.subject),
      html: String(body.html),
      text: String(body.text),
      acceptedAt: performance.timeOrigin + performance.now(),
    };
    stub.emails.push(email);
    if (key) byKey.set(key, { email, bodyHash });
    const hold = holds.shift();
    if (hold) {
      hold.resolve(email);
      await hold.released;
    }
    return answer(200, { id: email.id });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

/**
 * The email the notifier sent through the stub for one event of a booking: the event is looked up
 * in the outbox, its email by the Idempotency-Key (the event id). Waits up to 15 s.
 */
export async function emailAbout(sql: postgres.Sql, stub: ResendStub, bookingId: string, type: string): Promise<AcceptedEmail> {
  const [event] = await sql`select id from outbox_events where type = ${type} and payload->'booking'->>'id' = ${bookingId}`;
  if (!event) throw new Error(`no ${type} event was recorded for ${bookingId}`);
  for (let waited = 0; waited < 15_000; waited += 100) {
    const email = stub.emails.find((e) => e.idempotencyKey === event.id);
    if (email) return email;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email for ${type} of ${bookingId}`);
}
