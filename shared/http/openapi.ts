import { z } from "@hono/zod-openapi";
import { type ErrorStatus, ErrorEnvelopeSchema } from "../errors";
import { listOf } from "../pagination";

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** A `{data: ...}` success response. */
export const dataResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema: z.object({ data: schema }) } },
});

const errorDescriptions: Partial<Record<ErrorStatus, string>> = {
  400: "VALIDATION_FAILED or MALFORMED_JSON",
  401: "UNAUTHENTICATED, TOKEN_EXPIRED or INVALID_CREDENTIALS",
  403: "FORBIDDEN: the caller lacks the role",
  404: "NOT_FOUND",
  409: "Conflict with the current state",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "AMOUNT_MISMATCH",
  429: "RATE_LIMITED",
  503: "DEPENDENCY_UNAVAILABLE",
};

/** Error responses a route can give, documented with the shared envelope. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: errorDescriptions[status] ?? "Error", content: { "application/json": { schema: ErrorEnvelopeSchema } } },
    ]),
  ) as Record<S, { description: string; content: { "application/json": { schema: typeof ErrorEnvelopeSchema } } }>;
}

export const bearerAuth = [{ bearerAuth: [] }];

/** A `{data: [...], page: {next}}` success response. */
export const listResponse = <T extends z.ZodType>(item: T, description: string) => ({
  description,
  content: { "application/json": { schema: listOf(item) } },
});
