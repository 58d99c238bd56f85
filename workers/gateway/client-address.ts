import type { Context } from "hono";
import ipaddr from "ipaddr.js";

/** An address or CIDR range of TRUSTED_PROXIES. */
export type ProxyRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses one TRUSTED_PROXIES entry (an address or a CIDR range, IPv4 or IPv6). */
export function parseProxyRange(text: string): ProxyRange | undefined {
  try {
    if (text.includes("/")) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** An address in canonical text (IPv4-mapped IPv6 as IPv4), or undefined when it is not one. */
function parseAddress(text: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!text || !ipaddr.isValid(text)) return undefined;
  return ipaddr.process(text);
}

const isTrusted = (address: ipaddr.IPv4 | ipaddr.IPv6, proxies: ProxyRange[]) =>
  proxies.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));

/**
 * Who a request comes from, for the rate limits. Never a header a client can set for itself:
 *
 * - the peer: on Node, the socket's remote address, which the Node host hands over in the
 *   execution context (`props.clientAddress`); deployed on Cloudflare, `CF-Connecting-IP`, which
 *   Cloudflare's edge sets and clients cannot (trusted only with TRUST_CF_CONNECTING_IP, which
 *   wrangler.toml sets for the deployed gateway: under `wrangler dev` a client's own header passes
 *   through, so there every client shares one key);
 * - when the peer is a proxy listed in TRUSTED_PROXIES, the address that proxy saw: the rightmost
 *   `X-Forwarded-For` entry that is not itself a trusted proxy.
 */
export function clientAddress(c: Context, trustCfConnectingIp: boolean, proxies: ProxyRange[]): string {
  const fromHost = hostProps(c)?.clientAddress;
  const peer = parseAddress(typeof fromHost === "string" ? fromHost : trustCfConnectingIp ? c.req.header("cf-connecting-ip") : undefined);
  if (!peer) return "unknown";
  if (!isTrusted(peer, proxies)) return peer.toString();
  const hops = (c.req.header("x-forwarded-for") ?? "").split(",");
  let nearest = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i]!.trim());
    if (!hop) break; // malformed: the last address a trusted proxy vouched for stands
    nearest = hop;
    if (!isTrusted(hop, proxies)) break;
  }
  return nearest.toString();
}

function hostProps(c: Context): { clientAddress?: unknown } | undefined {
  try {
    return c.executionCtx.props as { clientAddress?: unknown } | undefined;
  } catch {
    return undefined; // no execution context (app.request in a test)
  }
}
