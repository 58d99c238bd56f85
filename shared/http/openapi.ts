import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import { requireRole, requireUser } from "../auth/middleware";
import { type ErrorCode, type ErrorStatus, errorStatus, validationFailed } from "../errors";
import { listOf } from "../pagination";
import { type BaseVariables, DEFAULT_MAX_BODY_BYTES, fieldIssues, installConventions } from "./app";

/**
 * A worker's app: OpenAPI routes whose zod schemas validate requests (a failure is 400
 * VALIDATION_FAILED with a detail per field) and document them, with the API's conventions.
 */
export function createWorkerApp<E extends Env & { Variables: BaseVariables }>(
  worker: string,
  maxBodyBytes: number | ((c: Context) => number) = DEFAULT_MAX_BODY_BYTES,
) {
  const app = new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(fieldIssues(result.error, result.target));
    },
  });
  installConventions(app, worker, maxBodyBytes);
  return app;
}

/** The envelope as a schema, for the OpenAPI document. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

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

const bearerAuth = [{ bearerAuth: [] }];

/**
 * Who may call a route, spread into its createRoute(): the OpenAPI `security` that documents it
 * (and that the gateway reads to check tokens at the edge) and the middleware that enforces it,
 * always together.
 */
export const signedIn = { security: bearerAuth, middleware: [requireUser] as [typeof requireUser] };
export const adminOnly = { security: bearerAuth, middleware: [requireRole("admin")] as [typeof requireUser] };

/** A `{data: [...], page: {next}}` success response. */
export const listResponse = <T extends z.ZodType>(item: T, description: string) => ({
  description,
  content: { "application/json": { schema: listOf(item) } },
});
