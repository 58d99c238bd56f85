import { type SQL, sql } from "drizzle-orm";

/** A uuid[] literal from parameters (drizzle would otherwise expand an array into a list). */
export function uuidArray(ids: readonly string[]): SQL {
  if (ids.length === 0) return sql`array[]::uuid[]`;
  return sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
}
