// Node's own HTTP client rather than fetch: it lets us check every address a host name resolves to
// as the connection is made (a `lookup` hook), so a name re-pointed at an internal address after it
// was registered (DNS rebinding) is still refused in production.
import dns, { type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { ipLiteral, isPublicAddress } from "../../shared/webhooks";

export interface AttemptOutcome {
  /** The endpoint's HTTP status; null when it gave none (refused, reset, timed out, not allowed). */
  status: number | null;
  /** Why it is not a success: an error, or the start of a non-2xx answer's body. */
  error: string | null;
  durationMs: number;
}

const MAX_ERROR_BODY = 512;

/** Resolves like dns.lookup, and fails when any address is not public. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const internal = addresses.find((a) => !isPublicAddress(a.address));
    if (internal || addresses.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves to ${internal?.address ?? "nothing"}, not a public address`), { code: "ENOTPUBLIC" });
      return callback(refused, "", 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** POSTs webhook bodies; never follows redirects (a 3xx is a failure), never throws. */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly production: boolean,
    private readonly timeoutMs: number,
  ) {
    const options = { keepAlive: true, ...(production ? { lookup: publicOnlyLookup } : {}) };
    this.agents = { http: new http.Agent(options), https: new https.Agent(options) };
  }

  post(target: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    const started = performance.now();
    const done = (status: number | null, error: string | null): AttemptOutcome => ({ status, error, durationMs: Math.round(performance.now() - started) });
    const url = new URL(target);
    if (this.production) {
      if (url.protocol !== "https:") return Promise.resolve(done(null, "only https endpoints are called in production"));
      const literal = ipLiteral(url.hostname);
      if (literal !== undefined && !isPublicAddress(literal)) return Promise.resolve(done(null, `${literal} is not a public address`));
    }
    const client = url.protocol === "https:" ? https : http;
    const agent = url.protocol === "https:" ? this.agents.https : this.agents.http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (status: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(done(status, error));
      };
      const req = client.request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "airline-webhooks/1", ...headers },
        },
        (res) => {
          const status = res.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          let excerpt = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (!ok && excerpt.length < MAX_ERROR_BODY) excerpt += chunk.slice(0, MAX_ERROR_BODY - excerpt.length);
          });
          res.on("end", () => finish(status, ok ? null : `HTTP ${status}${excerpt ? `: ${excerpt.trim()}` : ""}`));
          res.on("error", (err) => finish(status, ok ? null : `HTTP ${status}: ${err.message}`));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish(null, `no answer within ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      req.on("error", (err) => finish(null, err.message));
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
