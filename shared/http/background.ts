import type { Context } from "hono";
import { describeError, log } from "./log";

/**
 * Work that goes on after the answer: the runtime's `waitUntil` where there is one (workerd keeps
 * the request's context alive for it), else the promise simply runs. A failure is logged, never
 * thrown at the client who already has its answer.
 */
export function inBackground(c: Context, what: string, work: Promise<unknown>): void {
  const logged = work.catch((err) => log("error", `background work failed: ${what}`, { requestId: c.get("requestId"), ...describeError(err) }));
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    // No execution context (a test calling app.request): the promise runs on its own.
  }
}
