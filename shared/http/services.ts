import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { createDatabase, type Database } from "../../db/client";
import type { AuthVariables } from "../auth/middleware";
import type { AccessTokenVerifier } from "../auth/tokens";
import { databaseUrl, type DatabaseSource, parseConfig } from "../config";
import type { BaseVariables } from "./app";

/** What every worker that serves the API carries per request: its config, database and caller. */
export interface WorkerVariables<Config> extends BaseVariables, AuthVariables {
  config: Config;
  db: Database;
}

/**
 * The per-request services every worker builds from its env: the parsed configuration (cached
 * per isolate), a database handle (over the Hyperdrive binding when there is one, else
 * DATABASE_URL) and the access-token verifier.
 */
export function provideServices<S extends z.ZodType<DatabaseSource>>(
  schema: S,
  verifierFor: (config: z.output<S>) => AccessTokenVerifier,
): MiddlewareHandler {
  return async (c, next) => {
    const config = parseConfig(schema, c.env as object);
    c.set("config", config);
    c.set("db", createDatabase(databaseUrl(config)));
    c.set("verifyAccessToken", verifierFor(config));
    await next();
  };
}
