import * as z from "zod";

/** Configuration that cannot be used. Its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const cache = new WeakMap<object, WeakMap<z.ZodType, unknown>>();

/**
 * Parses a worker's environment (Worker bindings or process.env) with its zod schema.
 * Results are cached per env object, so a Worker pays for parsing once per isolate, not per request.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: object): z.output<S> {
  let bySchema = cache.get(env);
  const hit = bySchema?.get(schema);
  if (hit) return hit as z.output<S>;

  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join(".") || "environment";
    const value = issue?.path.length ? (env as Record<string, unknown>)[String(issue.path[0])] : env;
    const problem = value === undefined || value === "" ? "is required" : issue?.message;
    throw new ConfigError(`Invalid configuration: ${name} ${problem}`);
  }
  if (!bySchema) {
    bySchema = new WeakMap();
    cache.set(env, bySchema);
  }
  bySchema.set(schema, result.data);
  return result.data;
}

/** Reusable field parsers: env values arrive as strings (or numbers from wrangler.toml). */
export const env = {
  url: () =>
    z
      .string()
      .min(1)
      .refine((v) => URL.canParse(v), "must be a URL"),
  int: (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback),
  string: (fallback: string) => z.string().min(1).default(fallback),
  bool: (fallback: boolean) =>
    z
      .union([z.boolean(), z.enum(["true", "false", "1", "0"], { error: "must be true or false" })])
      .default(fallback)
      .transform((v) => v === true || v === "true" || v === "1"),
  /** A comma list, each entry parsed; an entry that does not parse names itself in the error. */
  list: <T>(parse: (entry: string) => T | undefined, expected: string) =>
    z
      .string()
      .default("")
      .transform((raw, ctx): T[] => {
        const entries = raw.split(",").map((e) => e.trim()).filter(Boolean);
        const parsed = entries.map(parse);
        const bad = entries.find((_, i) => parsed[i] === undefined);
        if (bad !== undefined) {
          ctx.addIssue({ code: "custom", message: `has "${bad}", which is not ${expected}` });
          return z.NEVER;
        }
        return parsed as T[];
      }),
  json: <T extends z.ZodType>(schema: T, expected: string) =>
    z.string().transform((raw, ctx): z.output<T> => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be valid JSON" });
        return z.NEVER;
      }
      const result = schema.safeParse(parsed);
      if (!result.success) {
        ctx.addIssue({ code: "custom", message: expected });
        return z.NEVER;
      }
      return result.data;
    }),
};

/**
 * Production or development. Production is the default, so a deployment that says nothing gets the
 * strict behaviour: partner webhook URLs must be https and resolve to public addresses only.
 * `npm start`, `npm run start:node` and the tests that need loopback receivers say development.
 */
export const deploymentConfig = {
  ENVIRONMENT: z.enum(["production", "development"], { error: "must be production or development" }).default("production"),
};

export const isProduction = (config: { ENVIRONMENT: "production" | "development" }) => config.ENVIRONMENT === "production";

/**
 * Where a worker's PostgreSQL is. A Hyperdrive binding (`HYPERDRIVE`, deployed and under
 * `wrangler dev`) wins over `DATABASE_URL`; on Node, where there are no bindings, DATABASE_URL is it.
 */
export const databaseConfig = {
  DATABASE_URL: env.url().optional(),
  HYPERDRIVE: z.object({ connectionString: z.string().min(1) }).optional(),
};

export interface DatabaseSource {
  DATABASE_URL?: string;
  HYPERDRIVE?: { connectionString: string };
}

/** Refinement for a schema using databaseConfig: one of the two must be there. */
export function requireDatabase(config: DatabaseSource, ctx: z.RefinementCtx) {
  if (!config.DATABASE_URL && !config.HYPERDRIVE) {
    ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "(or a HYPERDRIVE binding) is required" });
  }
}

/** The connection string to use: the Hyperdrive binding's when there is one, else DATABASE_URL. */
export function databaseUrl(config: DatabaseSource): string {
  const url = config.HYPERDRIVE?.connectionString ?? config.DATABASE_URL;
  if (!url) throw new ConfigError("Invalid configuration: DATABASE_URL (or a HYPERDRIVE binding) is required");
  return url;
}
