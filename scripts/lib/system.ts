import { readFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import type { z } from "zod";
import { createDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedCatalog } from "../../db/seed/index";
import { PrivateJwkSchema, publicJwk } from "../../shared/auth/jwk";
import { parseConfig } from "../../shared/config";
import { AuthConfigSchema } from "../../workers/auth/config";
import { ensureAdmin } from "../../workers/auth/domain/users";
import { Email, Password } from "../../workers/auth/schemas";
import { BookingConfigSchema } from "../../workers/booking/config";
import { GatewayConfigSchema } from "../../workers/gateway/config";
import { type NotifierConfig, parseNotifierConfig } from "../../notifier/config";
import { SearchConfigSchema } from "../../workers/search/config";
import { type RunningDatabase, startDatabase } from "./database";
import { loadSigningKey } from "./keys";

/** The workers, in start order (the gateway last, once what it routes to is up), with their config. */
export const workers = [
  { name: "auth", port: Number(process.env.AUTH_PORT ?? 8788), schema: AuthConfigSchema },
  { name: "search", port: Number(process.env.SEARCH_PORT ?? 8789), schema: SearchConfigSchema },
  { name: "booking", port: Number(process.env.BOOKING_PORT ?? 8790), schema: BookingConfigSchema },
  { name: "gateway", port: Number(process.env.GATEWAY_PORT ?? 8787), schema: GatewayConfigSchema },
] as const;

export type WorkerName = (typeof workers)[number]["name"];

export interface PreparedSystem {
  dataDir: string;
  database: RunningDatabase;
  /** The notifier's configuration (NATS, mail) from process.env, with this system's database. */
  notifierConfig(natsUrl: string): NotifierConfig;
  /** The notifier's environment, for a notifier process of its own. */
  notifierEnv(natsUrl: string): Record<string, string>;
  /** The variables each worker gets (secrets included): from process.env, plus the database and key. */
  varsFor(worker: WorkerName): Record<string, string>;
}

const say = (line: string) => console.log(`[start] ${line}`);

/**
 * Everything before any worker serves: the database (embedded unless DATABASE_URL), migrations,
 * the signing key, the first admin, and each worker's configuration checked up front.
 */
export async function prepareSystem(dataDir = path.resolve(process.env.DATA_DIR ?? ".data")): Promise<PreparedSystem> {
  const database = await startDatabase(dataDir, say);
  try {
    await migrateDatabase(database.url);
    const signingKey = await loadSigningKey(dataDir);
    const shared = {
      ...publicKeysOf(signingKey),
      ENVIRONMENT: "development", // a local system: webhooks may go to local receivers (ENVIRONMENT=production to try the strict rules)
      ...stringEnv(),
      DATABASE_URL: database.url,
      JWT_PRIVATE_JWK: signingKey,
    };

    const varsFor = (name: WorkerName) => {
      const worker = workers.find((w) => w.name === name)!;
      const vars = pick(shared, Object.keys(worker.schema.shape));
      // The gateway reads the auth worker's JWKS through its binding (refetched on an unknown kid),
      // unless keys are configured explicitly.
      if (name === "gateway" && !process.env.JWT_PUBLIC_JWKS) delete vars.JWT_PUBLIC_JWKS;
      return vars;
    };
    for (const worker of workers) parseConfig(worker.schema as z.ZodType, varsFor(worker.name));

    await ensureAdminFromEnv(database.url, parseConfig(AuthConfigSchema, varsFor("auth")).BCRYPT_COST);
    if (process.env.DEMO_DATA !== "false") await loadDemoNetwork(database.url);
    const notifierEnv = (natsUrl: string) => ({
      MAIL_DIR: path.join(dataDir, "mail"),
      ENVIRONMENT: "development",
      ...stringEnv(),
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
    });
    const notifierConfig = (natsUrl: string) => parseNotifierConfig(notifierEnv(natsUrl));
    notifierConfig("nats://127.0.0.1:4222"); // a bad notifier setting stops start-up too
    return { dataDir, database, varsFor, notifierConfig, notifierEnv };
  } catch (err) {
    await database.stop();
    throw err;
  }
}

async function ensureAdminFromEnv(databaseUrl: string, bcryptCost: number) {
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = process.env;
  if (!ADMIN_EMAIL && !ADMIN_PASSWORD) return;
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) throw new Error("Invalid configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither");
  const email = Email.safeParse(ADMIN_EMAIL);
  if (!email.success) throw new Error("Invalid configuration: ADMIN_EMAIL must be an email address");
  const password = Password.safeParse(ADMIN_PASSWORD);
  if (!password.success) throw new Error(`Invalid configuration: ADMIN_PASSWORD ${password.error.issues[0]?.message}`);
  const admin = await ensureAdmin(createDatabase(databaseUrl), { email: email.data, password: password.data, name: "Administrator" }, bcryptCost);
  if (admin.tookOver) {
    say(`warning: ${admin.email} already existed with another password: it is now ADMIN_PASSWORD, and its sessions have ended`);
  }
  say(`admin account ready: ${admin.email}`);
}

/** JWT_PUBLIC_JWKS for the workers that verify tokens; a bad key is reported by the auth config. */
function publicKeysOf(signingKey: string): { JWT_PUBLIC_JWKS?: string } {
  try {
    return { JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(PrivateJwkSchema.parse(JSON.parse(signingKey)))] }) };
  } catch {
    return {};
  }
}

/** On the first start (no flights yet), two weeks of the demo network so search answers at once. */
async function loadDemoNetwork(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 3, onnotice: () => {} });
  try {
    const [any] = await sql`select exists (select 1 from flights) as present`;
    if (any?.present) return;
    say("loading the demo network (first start only; DEMO_DATA=false skips it)");
    const counts = await seedCatalog(sql, { days: 14 });
    say(`demo network: ${counts.airports} airports, ${counts.flights} flights over 14 days from today`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function stringEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function pick(from: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]!]));
}

/**
 * The embedded PostgreSQL must not outlive the start script: the supervisor's reaper shuts it
 * down (fast shutdown, SIGINT) if the script dies without doing so itself.
 */
export async function guardPostmaster(system: PreparedSystem, supervisor: { guard(kind: "pid", id: number, signal: NodeJS.Signals): void }) {
  if (!system.database.embedded) return;
  try {
    const pid = Number((await readFile(path.join(system.dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
    if (pid > 1) supervisor.guard("pid", pid, "SIGINT");
  } catch {
    // no pid file: nothing to guard
  }
}
