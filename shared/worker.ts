/** The little of the Workers runtime API this project uses, typed without pulling in workers-types. */

import type { ExecutionContext } from "hono";

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
