// `npm run seed -- [--days N] [--flights N] [--start YYYY-MM-DD] [--reset] [--concurrency N]`: the demo catalog
// (airports, airplanes, a timetable of flights with their seats) in DATABASE_URL, or in the
// embedded PostgreSQL under .data/ when it is unset (migrated first, so a fresh clone works).
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { migrateDatabase } from "../db/migrate";
import { seedCatalog, type SeedOptions } from "../db/seed";
import { startDatabase } from "./lib/database";

const USAGE = "usage: npm run seed -- [--days N] [--flights N] [--start YYYY-MM-DD] [--reset] [--concurrency N]";
const say = (line: string) => console.log(`[seed] ${line}`);

function parseOptions(argv: string[]): SeedOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: "string", default: "30" },
      flights: { type: "string" },
      start: { type: "string" },
      reset: { type: "boolean", default: false },
      concurrency: { type: "string", default: "2" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, value: string, max: number) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new Error(`--${name} must be a whole number from 1 to ${max.toLocaleString("en")}, got "${value}"`);
    return Number(value);
  };
  const start = values.start;
  if (start !== undefined && !isDate(start)) throw new Error(`--start must be a date YYYY-MM-DD, got "${start}"`);
  return {
    days: positive("days", values.days, 3660),
    flights: values.flights === undefined ? undefined : positive("flights", values.flights, 20_000_000),
    startDate: start,
    reset: values.reset,
    concurrency: positive("concurrency", values.concurrency, 8),
  };
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

async function main() {
  let options: SeedOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`[seed] ${err instanceof Error ? err.message : String(err)}`);
    console.error(USAGE);
    process.exit(2);
  }

  const started = performance.now();
  const database = await startDatabase(path.resolve(process.env.DATA_DIR ?? ".data"), say);
  const sql = postgres(database.url, { max: (options.concurrency ?? 2) + 1, onnotice: () => {} });
  try {
    await migrateDatabase(database.url);
    const counts = await seedCatalog(sql, { ...options, log: say });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `added ${counts.cities} cities, ${counts.airports} airports, ${counts.airplanes} airplanes, ` +
        `${counts.flights.toLocaleString("en")} flights, ${counts.seats.toLocaleString("en")} seats in ${seconds}s`,
    );
  } finally {
    await sql.end({ timeout: 5 });
    await database.stop();
  }
}

main().catch((err) => {
  console.error(`[seed] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
