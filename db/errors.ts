/** Reads PostgreSQL / postgres.js error codes through drizzle's wrapping (`cause` chains). */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === "23505";

const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

export const isDatabaseUnavailable = (err: unknown) => UNAVAILABLE.has(pgErrorCode(err) ?? "");

/**
 * PostgreSQL's class 22, "data exception": a value the statement was given does not fit its type
 * (not a uuid, not a timestamp, out of range, a NUL in text). Every such value comes from a request,
 * so it is the caller's mistake that validation did not catch, not a server failure.
 */
export const isInvalidValue = (err: unknown) => /^22[0-9A-Z]{3}$/.test(pgErrorCode(err) ?? "");

/**
 * PostgreSQL's class 23, "integrity constraint violation": a unique key, a foreign key or a check
 * refused the change. The domain names the ones it expects (EMAIL_TAKEN, ALREADY_EXISTS, …); any
 * other is still a conflict with what is stored, for the caller to resolve, not a server failure.
 */
export const isIntegrityViolation = (err: unknown) => /^23[0-9A-Z]{3}$/.test(pgErrorCode(err) ?? "");
