import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";

/**
 * Lets browsers and an edge cache keep successful GET answers for `seconds` (and serve them stale
 * while revalidating), with an ETag so revalidation is a 304. Look-to-book traffic is mostly
 * repeated searches; availability may lag by at most `seconds`, and booking rechecks it anyway.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any worker's context
export function publicCache(seconds: number | ((c: Context<any>) => number)): MiddlewareHandler[] {
  const setHeader: MiddlewareHandler = async (c, next) => {
    await next();
    const ttl = typeof seconds === "function" ? seconds(c) : seconds;
    if (c.req.method === "GET" && c.res.status === 200) {
      c.res.headers.set("Cache-Control", ttl > 0 ? `public, max-age=${ttl}, stale-while-revalidate=${ttl * 3}` : "no-cache");
    }
  };
  return [setHeader, etag()];
}
