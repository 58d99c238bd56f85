/** The little of the Workers runtime API this project uses, typed without pulling in workers-types. */

import type { ExecutionContext } from "hono";
import { describeError, log } from "./http/log";

export type { ExecutionContext };

/** A service binding, or anything else that answers a Request (an HTTP forwarder on Node). */
export interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

export interface ScheduledEvent {
  cron: string;
  scheduledTime: number;
}

/** What a worker module exports by default. */
export interface WorkerModule<Env = Record<string, unknown>> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled?(event: ScheduledEvent, env: Env, ctx: ExecutionContext): Promise<void>;
}

/**
 * The execution context a self-hosting runtime (Node, Deno) gives one request. There is no
 * request lifetime to extend there, so `waitUntil` lets the work run and logs its failure.
 * `clientAddress` is the transport's peer, what the gateway keys its rate limits on
 * (workers/gateway/client-address.ts).
 */
export function hostContext(clientAddress?: string): ExecutionContext {
  return {
    waitUntil: (promise) => void promise.catch((err) => log("error", "waitUntil task failed", describeError(err))),
    passThroughOnException() {},
    props: clientAddress === undefined ? {} : { clientAddress },
  };
}

/**
 * A worker as another worker's binding in the same process: what a service binding is in workerd,
 * without a network hop (the Deno host's gateway reaches the workers it hosts this way).
 */
export function inProcessService(worker: WorkerModule, env: Record<string, unknown>): Fetcher {
  return { fetch: async (request) => worker.fetch(request, env, hostContext()) };
}
