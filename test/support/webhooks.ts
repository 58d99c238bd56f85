import http from "node:http";
import type { AddressInfo } from "node:net";
import type postgres from "postgres";

/** One request a receiver got, in arrival order. */
export interface ReceivedRequest {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered: a status, or "hang" (no answer at all). */
  answer: number | "hang";
}

/** What a receiver does with its nth request (from 1): a status, or "hang" to never answer. */
export type Behaviour = (n: number, body: string) => number | "hang";

export interface Receiver {
  url: string;
  /** Every request, answered or not. */
  requests: ReceivedRequest[];
  /** The bodies it answered 2xx, parsed. */
  delivered(): any[];
  behaviour: Behaviour;
  /** The most requests it ever had open at once (answered or not yet). */
  maxOpen: number;
  close(): Promise<void>;
}

/** A partner's endpoint on 127.0.0.1 whose answers a test decides (fail, hang, recover). */
export async function startReceiver(behaviour: Behaviour = () => 200): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = {
    url: "",
    requests,
    behaviour,
    maxOpen: 0,
    delivered: () => requests.filter((r) => typeof r.answer === "number" && r.answer < 300).map((r) => JSON.parse(r.body)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  let open = 0;
  const server = http.createServer((req, res) => {
    open++;
    receiver.maxOpen = Math.max(receiver.maxOpen, open);
    res.on("close", () => open--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = receiver.behaviour(requests.length + 1, body);
      requests.push({ at: Date.now(), headers: req.headers, body, answer });
      if (answer === "hang") return;
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : `failing on purpose (${answer})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/**
 * A DNS-over-HTTPS JSON resolver (the Cloudflare/Google `application/dns-json` flavour) that knows
 * the names a test gives it; any other name is NXDOMAIN. `down = true` makes it answer 502.
 */
export async function startDnsStub(names: Record<string, string[]>) {
  const state = { down: false, url: "", close: async () => {} };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    if (state.down) return void res.writeHead(502).end();
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type") === "AAAA" ? 28 : 1;
    const addresses = (names[name] ?? []).filter((a) => (type === 28) === a.includes(":"));
    const known = name in names;
    res.writeHead(200, { "content-type": "application/dns-json" }).end(
      JSON.stringify({ Status: known ? 0 : 3, Answer: addresses.map((data) => ({ name, type, TTL: 60, data })) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

type Sql = postgres.Sql;

/** An endpoint written straight into the database (route tests that need one, not its registration). */
export async function insertEndpoint(sql: Sql, url = "https://partner.example/hooks", options: { disabled?: boolean } = {}) {
  const [row] = await sql`insert into webhook_endpoints (url, event_types, secret, disabled_at)
    values (${url}, array['*'], 'whsec_test', ${options.disabled ? sql`now()` : null}) returning id`;
  return row!.id as string;
}

/** A delivery of a new event to `endpointId`, in the given state. */
export async function insertDelivery(sql: Sql, endpointId: string, state: "pending" | "sending" | "delivered" | "failed" = "delivered") {
  const [event] = await sql`insert into webhook_events (id, type, body) values (gen_random_uuid(), 'bookings.held', '{}') returning id`;
  const [row] = await sql`insert into webhook_deliveries (endpoint_id, event_id, state, attempts, next_attempt_at)
    values (${endpointId}, ${event!.id}, ${state}, 1, now() + interval '1 hour') returning id`;
  return { id: row!.id as string, eventId: event!.id as string };
}
