import * as z from "zod";
import { AppError, validationFailed } from "../../../shared/errors";
import { ipLiteral, isPublicAddress } from "../../../shared/webhooks";

/** Where a host's addresses come from: a DNS-over-HTTPS resolver in the Worker, a stub in tests. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const refused = (message: string) => validationFailed([{ path: "url", message }]);

/**
 * A partner's URL, checked before it is stored: http(s), no credentials in it, and in production
 * https only, to a host whose every address is public (server-side request forgery: an endpoint
 * must not make the notifier call the database, the metadata service or anything else inside).
 * The notifier checks the addresses again as it connects (a name can be pointed elsewhere later).
 */
export async function checkWebhookUrl(raw: string, production: boolean, resolve: ResolveHost): Promise<string> {
  if (!URL.canParse(raw)) throw refused("must be an absolute URL");
  const url = new URL(raw);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refused("must be an http or https URL");
  if (url.username || url.password) throw refused("must not carry credentials");
  if (url.hash) throw refused("must not have a fragment");
  // Port 0 parses but nothing can be reached on it.
  if (url.port === "0") throw refused("must not use port 0");
  if (!production) return url.href;
  if (url.protocol !== "https:") throw refused("must be https");
  const host = url.hostname.toLowerCase();
  const literal = ipLiteral(host);
  if (literal !== undefined) {
    if (!isPublicAddress(literal)) throw refused("must not be a loopback, private or otherwise internal address");
    return url.href;
  }
  if (host === "localhost" || host.endsWith(".localhost") || !host.includes(".")) throw refused("must be a public host name");
  const addresses = await resolve(host);
  if (addresses.length === 0) throw refused("has a host name that does not resolve");
  if (!addresses.every(isPublicAddress)) throw refused("resolves to a loopback, private or otherwise internal address");
  return url.href;
}

const DnsJson = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});
const A = 1;
const AAAA = 28;
const NXDOMAIN = 3;

/**
 * A and AAAA records through a DNS-over-HTTPS JSON API (`?name=…&type=A`, `accept:
 * application/dns-json`). Both lookups must answer: an unreachable resolver is a 503, never a pass.
 */
export function dnsOverHttps(resolverUrl: string, timeoutMs = 3_000): ResolveHost {
  const lookup = async (name: string, type: number): Promise<string[]> => {
    const url = new URL(resolverUrl);
    url.searchParams.set("name", name);
    url.searchParams.set("type", type === A ? "A" : "AAAA");
    let parsed: z.output<typeof DnsJson>;
    try {
      const res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`resolver answered ${res.status}`);
      parsed = DnsJson.parse(await res.json());
    } catch {
      throw new AppError("DEPENDENCY_UNAVAILABLE", "The webhook URL's host name could not be resolved now; try again.");
    }
    if (parsed.Status === NXDOMAIN) return [];
    if (parsed.Status !== 0) throw new AppError("DEPENDENCY_UNAVAILABLE", "The webhook URL's host name could not be resolved now; try again.");
    return (parsed.Answer ?? []).filter((a) => a.type === type).map((a) => a.data);
  };
  return async (hostname) => (await Promise.all([lookup(hostname, A), lookup(hostname, AAAA)])).flat();
}
