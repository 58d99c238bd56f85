// `npm run migrate`: apply migrations (and ensure ADMIN_EMAIL is an admin) against DATABASE_URL.
import { disconnectAll } from "#db-connection";
import { prepareSystem } from "./lib/system";

prepareSystem()
  .then(async (system) => {
    console.log("[migrate] database is up to date");
    await disconnectAll();
    await system.database.stop();
  })
  .catch((err) => {
    console.error(`[migrate] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
