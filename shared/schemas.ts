import { z } from "@hono/zod-openapi";

/** Wire shapes more than one worker speaks (API.md, Conventions). */

export const Money = z
  .object({
    amount: z.number().int({ error: "must be an integer amount in minor units" }).min(0).max(1e12),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code like INR" })
      .openapi({ example: "INR" }),
  })
  .openapi("Money", { example: { amount: 549900, currency: "INR" } });

/** `/{id}` path parameters: a malformed id is 400, an unknown one 404. */
export const IdParam = z.object({ id: z.uuid({ error: "must be a UUID" }) });

/** An amount of money as the API carries it: integer minor units and an ISO currency. */
export type Amount = z.output<typeof Money>;
