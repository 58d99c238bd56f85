// `npm run notifier:replay`: lists the events whose email was given up on (notifier_dead_letters).
// `npm run notifier:replay -- <event id> …` or `-- --all` publishes them to BOOKINGS again, for a
// running notifier to send. DATABASE_URL and NATS_URL as for the notifier; without DATABASE_URL,
// the embedded PostgreSQL of a running `npm start`.
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import * as z from "zod";
import { disconnectAll } from "#db-connection";
import { createDatabase } from "../db/client";
import { parseNotifierConfig } from "../notifier/config";
import { listDeadLetters, replayDeadLetters } from "../notifier/replay";
import { embeddedDatabaseUrl } from "./lib/database";

const USAGE = "usage: npm run notifier:replay [-- --all | -- <event id> ...]";

async function main(args: string[]): Promise<number> {
  const all = args.includes("--all");
  const ids = args.filter((a) => a !== "--all");
  const badIds = ids.filter((id) => !z.uuid().safeParse(id).success);
  if (badIds.length > 0 || (all && ids.length > 0)) {
    console.error(badIds.length > 0 ? `not an event id: ${badIds.join(", ")}` : "--all takes no event ids");
    console.error(USAGE);
    return 2;
  }
  const config = parseNotifierConfig({ ...process.env, DATABASE_URL: process.env.DATABASE_URL || embeddedDatabaseUrl() });
  const db = createDatabase(config.DATABASE_URL);

  if (!all && ids.length === 0) {
    const letters = await listDeadLetters(db);
    if (letters.length === 0) console.log("no dead letters");
    for (const d of letters) {
      console.log(`${d.eventId}  ${d.subject}  dead ${d.deadAt.toISOString()} after ${d.deliveries} deliveries: ${d.lastError}`);
    }
    if (letters.length > 0) console.log(`\n${letters.length} dead letter(s). Replay: npm run notifier:replay -- --all`);
    return 0;
  }

  const nc = await connect({ servers: config.NATS_URL.split(",").map((s) => s.trim()), timeout: 5_000 });
  try {
    const result = await replayDeadLetters(db, jetstream(nc), all ? "all" : ids);
    for (const id of result.replayed) console.log(`replayed       ${id}`);
    for (const id of result.alreadySent) console.log(`already sent   ${id} (dead letter removed)`);
    for (const id of result.notFound) console.log(`not found      ${id}`);
    console.log(`${result.replayed.length} replayed; a running notifier sends them and removes their dead letters`);
    return result.notFound.length > 0 ? 1 : 0;
  } finally {
    await nc.close();
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(`[notifier:replay] ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectAll());
