import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { isDatabaseUnavailable, isIntegrityViolation, isInvalidValue, isUniqueViolation, pgErrorCode } from "../../db/errors";
import { ConfigError } from "../config";
import { AppError, type ErrorCode, errorEnvelope, type FieldIssue, validationFailed } from "../errors";
import { describeError, log } from "./log";

/** Variables every worker app carries: the request id set by the first middleware. */
export interface BaseVariables {
  requestId: string;
}

/** Request bodies beyond this are refused with 413 before anything reads them. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The one place every app gets what the API's conventions ask of it (API.md): request ids, the
 * access log, the body limit, the JSON-only body rule, and every error turned into the envelope.
 * Workers build their app with createWorkerApp (shared/http/openapi.ts), the gateway with plain Hono.
 */
export function installConventions(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's env: this only adds middleware
  app: Hono<any, any, any>,
  worker: string,
  maxBodyBytes: number | ((c: Context) => number) = DEFAULT_MAX_BODY_BYTES,
): void {
  app.use(requestId({ limitLength: 128 }));
  app.use(accessLog(worker));
  app.use((c, next) => limitBody(c, next, typeof maxBodyBytes === "function" ? maxBodyBytes(c) : maxBodyBytes));
  app.use(jsonBodiesOnly);
  app.onError((err, c) => errorResponse(c, err, worker));
  app.notFound((c) =>
    c.json(errorEnvelope("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`, c.var.requestId), 404),
  );
}

/** Zod's issues as API.md's VALIDATION_FAILED details: body fields by path, the rest prefixed. */
export function fieldIssues(error: z.ZodError, target: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const prefix = target === "json" ? "" : target === "param" ? "params" : target;
    return { path: [prefix, path].filter(Boolean).join("."), message: issue.message };
  });
}

/** Zod's issues as API.md's VALIDATION_FAILED details: body fields by path, the rest prefixed. */
export /**
 * 413 for a body over `maxSize`. A declared Content-Length is checked from the header alone (the
 * HTTP parser, Node's or the Workers runtime's, never delivers more than it declares); only a
 * streamed body of unknown length goes through hono's bodyLimit, which counts it as it is read. On
 * Node that difference matters: touching `req.body` makes @hono/node-server build a full Request
 * and a web stream, where the header check lets the body be read straight from the socket.
 */
function limitBody(c: Context, next: () => Promise<void>, maxSize: number) {
  const tooLarge = () => {
    throw new AppError("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${maxSize} bytes.`);
  };
  const declared = Number(c.req.header("content-length") ?? NaN);
  if (Number.isSafeInteger(declared) && c.req.header("transfer-encoding") === undefined) {
    return declared > maxSize ? tooLarge() : next();
  }
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  return bodyLimit({ maxSize, onError: tooLarge })(c, next);
}

function accessLog(worker: string): MiddlewareHandler<{ Variables: BaseVariables }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    log("info", "request", {
      worker,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.var.requestId,
    });
  };
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * API bodies are JSON or nothing: another content type is 415, unparsable JSON is 400
 * MALFORMED_JSON. The parsed body is left in Hono's body cache so validators do not parse twice.
 */
const jsonBodiesOnly: MiddlewareHandler = async (c, next) => {
  if (!BODY_METHODS.has(c.req.method)) return next();
  const type = c.req.header("content-type");
  const mediaType = type?.split(";")[0]?.trim() ?? "";
  const raw = await c.req.text();
  if (raw.length === 0) return next();
  if (!JSON_TYPE.test(mediaType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON (content-type: application/json).");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AppError("MALFORMED_JSON", "The request body is not valid JSON.");
  }
  const problem = unstorableValueIn(parsed);
  if (problem) throw validationFailed([problem]);
  c.req.bodyCache.json = Promise.resolve(parsed);
  return next();
};

// A NUL, or half of a surrogate pair: valid in a JSON string, but not storable as PostgreSQL text
// or jsonb (nor encodable as UTF-8), so refused here for every route instead of failing in SQL.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No API body nests deeper than a few levels; far deeper ones are refused before anything walks them. */
export const MAX_BODY_DEPTH = 32;

/**
 * The first problem with a parsed body that validation cannot be trusted to catch: nesting past
 * MAX_BODY_DEPTH, or a string or key PostgreSQL cannot store, with its path ("passengers.0.name";
 * "" for the body itself). Walked with an explicit stack: a body nested 100,000 deep is an answer,
 * not a stack overflow.
 */
function unstorableValueIn(body: unknown): { path: string; message: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: "", depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return { path, message: "must not contain NUL characters or unpaired surrogates" };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { path, message: `nests deeper than ${MAX_BODY_DEPTH} levels` };
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const at = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return { path: at, message: "must not contain NUL characters or unpaired surrogates" };
      stack.push({ value: item, path: at, depth: depth + 1 });
    }
  }
  return undefined;
}

const httpExceptionCodes: Record<number, ErrorCode> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  503: "DEPENDENCY_UNAVAILABLE",
};

export function errorResponse(c: Context, err: unknown, worker: string): Response {
  const requestId: string = c.get("requestId") ?? "unknown";
  if (err instanceof AppError) {
    return c.json(errorEnvelope(err.code, err.message, requestId, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException && httpExceptionCodes[err.status]) {
    const code = /malformed json/i.test(err.message) ? "MALFORMED_JSON" : (httpExceptionCodes[err.status] as ErrorCode);
    return c.json(errorEnvelope(code, err.message || "The request was refused.", requestId), err.status as ContentfulStatusCode);
  }
  if (isDatabaseUnavailable(err)) {
    log("error", "database unavailable", { worker, requestId, ...describeError(err), stack: undefined });
    return c.json(errorEnvelope("DEPENDENCY_UNAVAILABLE", "The database is unavailable; try again shortly.", requestId), 503);
  }
  if (isInvalidValue(err)) {
    // Logged as a warning, so that the validation it slipped past can be tightened.
    log("warn", "a request value the database refused", { worker, requestId, method: c.req.method, path: c.req.path, pgCode: pgErrorCode(err) });
    return c.json(errorEnvelope("VALIDATION_FAILED", "A value in the request is not valid.", requestId), 400);
  }
  if (isIntegrityViolation(err)) {
    log("warn", "a change the database's constraints refused", { worker, requestId, method: c.req.method, path: c.req.path, pgCode: pgErrorCode(err) });
    return isUniqueViolation(err)
      ? c.json(errorEnvelope("ALREADY_EXISTS", "This conflicts with something that already exists.", requestId), 409)
      : c.json(errorEnvelope("INVALID_STATE", "This conflicts with what is already stored.", requestId), 409);
  }
  const msg = err instanceof ConfigError ? "invalid configuration" : "unhandled error";
  log("error", msg, { worker, requestId, method: c.req.method, path: c.req.path, ...describeError(err) });
  return c.json(errorEnvelope("INTERNAL", "Something went wrong on our side.", requestId), 500);
}
