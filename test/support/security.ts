import { expect } from "vitest";
import type { ApiResponse } from "./client";

/** Tokens a protected route must refuse, from `useAuthWorker().refusedCallers()`. */
export interface RefusedCallers {
  /** A signed-in customer's genuine token: refused only by admin routes. */
  customer: string;
  /** A genuine token of that customer's, expired a minute ago. */
  expired: string;
  /** The customer's token edited to claim admin, under the original signature. */
  forged: string;
}

type Send = (token?: string) => Promise<ApiResponse>;

const outcome = (res: ApiResponse) => ({ status: res.status, code: res.body?.error?.code });

/** Rows as plain JSON, so two reads compare by their values alone. */
const snapshot = async (state?: () => Promise<unknown>) => (state ? JSON.parse(JSON.stringify(await state())) : undefined);

/**
 * Sends the request without a token, with an expired one and with a forged one: each is 401, and
 * `state()` (what the request would change, read from the database) is the same afterwards.
 */
export async function expectSignInRequired(send: Send, callers: RefusedCallers, state?: () => Promise<unknown>) {
  await expectRefused(send, callers, false, state);
}

/** As `expectSignInRequired`, and a customer's genuine token is 403 FORBIDDEN. */
export async function expectAdminOnly(send: Send, callers: RefusedCallers, state?: () => Promise<unknown>) {
  await expectRefused(send, callers, true, state);
}

async function expectRefused(send: Send, callers: RefusedCallers, adminOnly: boolean, state?: () => Promise<unknown>) {
  const before = await snapshot(state);
  expect(outcome(await send())).toEqual({ status: 401, code: "UNAUTHENTICATED" });
  expect(outcome(await send(callers.expired))).toEqual({ status: 401, code: "TOKEN_EXPIRED" });
  expect(outcome(await send(callers.forged))).toEqual({ status: 401, code: "UNAUTHENTICATED" });
  if (adminOnly) expect(outcome(await send(callers.customer))).toEqual({ status: 403, code: "FORBIDDEN" });
  expect(await snapshot(state)).toEqual(before);
}
