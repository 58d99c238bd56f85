import { disconnectAll } from "#db-connection";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";

/**
 * Gives the calling test file a database of its own, cloned from the migrated template, so
 * files run in parallel without seeing each other's rows. Returns a getter for its URL.
 */
export function useTestDatabase(): { url: () => string; sql: () => postgres.Sql } {
  const templateUrl = new URL(inject("templateDatabaseUrl"));
  const template = templateUrl.pathname.slice(1);
  const name = `airline_test_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = "/postgres";
  let sql: postgres.Sql | undefined;

  beforeAll(async () => {
    const admin = postgres(adminUrl.href, { max: 1, onnotice: () => {} });
    try {
      // Cloning needs the template to be idle; parallel files can collide for a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.unsafe(`create database ${name} template ${template}`);
          break;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
    } finally {
      await admin.end();
    }
    sql = postgres(url.href, { max: 2, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await disconnectAll();
    const admin = postgres(adminUrl.href, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  return {
    url: () => url.href,
    sql: () => {
      if (!sql) throw new Error("useTestDatabase: the database is ready only inside tests and hooks");
      return sql;
    },
  };
}
