import type { Context } from "hono";
import { AppError } from "../../shared/errors";
import { log } from "../../shared/http/log";
import type { Fetcher } from "../../shared/worker";
import type { GatewayEnv } from "./env";
import { type Upstream, upstreams } from "./routes";

export function serviceFor(c: Context<GatewayEnv>, upstream: Upstream): Fetcher {
  const service = c.env[upstreams[upstream]] as Fetcher | undefined;
  if (!service || typeof service.fetch !== "function") {
    throw new AppError("DEPENDENCY_UNAVAILABLE", `The ${upstream} service is not configured.`);
  }
  return service;
}

const BODYLESS = new Set(["GET", "HEAD"]);

/**
 * Passes the request to a worker with the request id attached. A worker that does not answer in
 * time, or at all, is a 503 DEPENDENCY_UNAVAILABLE rather than a hang. The deadline is a timer the
 * gateway holds itself, which both aborts the call and ends the wait: it does not depend on an
 * abort signal surviving inside the fetch implementation.
 */
export function forwardTo(upstream: Upstream) {
  return async (c: Context<GatewayEnv>) => {
    const service = serviceFor(c, upstream);
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-request-id", c.var.requestId);
    const deadline = new AbortController();
    const request = new Request(c.req.url, {
      method: c.req.method,
      headers,
      // The body was already read (and checked to be JSON) by the app's body middleware.
      body: BODYLESS.has(c.req.method) ? undefined : await c.req.arrayBuffer(),
      redirect: "manual",
      signal: deadline.signal,
    });
    const ms = c.var.config.UPSTREAM_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = new Error(`no answer within ${ms} ms`);
        deadline.abort(reason);
        reject(reason);
      }, ms);
    });
    let response: Response;
    try {
      response = await Promise.race([service.fetch(request), timedOut]);
    } catch (err) {
      log("warn", "upstream unavailable", { upstream, requestId: c.var.requestId, error: String(err) });
      throw new AppError("DEPENDENCY_UNAVAILABLE", `The ${upstream} service is unavailable; try again shortly.`);
    } finally {
      clearTimeout(timer);
    }
    // A fresh Response: fetched ones have immutable headers, and the gateway adds its own.
    return new Response(response.body, response);
  };
}
