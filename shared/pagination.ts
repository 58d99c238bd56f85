import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { validationFailed } from "./errors";

/** `?limit=` (default 20, max 100) and `?cursor=` (opaque), as in API.md. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(1024).optional().openapi({ description: "Opaque: the `page.next` of the previous page" }),
};

export const PageSchema = z.object({ next: z.string().nullable() }).openapi("Page");

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), page: PageSchema });

export interface SortKey<K extends string = string> {
  key: K;
  descending: boolean;
}

/**
 * Parses `sort=price,-departureTime` against the allowed keys. Unknown or repeated keys are a
 * VALIDATION_FAILED on `query.sort`.
 */
export function parseSort<K extends string>(spec: string | undefined, allowed: readonly K[], fallback: K): SortKey<K>[] {
  if (!spec) return [{ key: fallback, descending: false }];
  const keys = spec.split(",").map((raw) => raw.trim());
  const parsed: SortKey<K>[] = [];
  for (const raw of keys) {
    const descending = raw.startsWith("-");
    const key = (descending ? raw.slice(1) : raw) as K;
    if (!allowed.includes(key) || parsed.some((p) => p.key === key)) {
      throw validationFailed([{ path: "query.sort", message: `must be a comma list of ${allowed.join(", ")}, each optionally prefixed with -` }]);
    }
    parsed.push({ key, descending });
  }
  return parsed;
}

/** A cursor: the sort it belongs to and the last row's sort values (id last). */
interface CursorData {
  s: string;
  v: (string | number)[];
}

export function encodeCursor(sort: SortKey[], values: (string | number)[]): string {
  const data: CursorData = { s: sortSignature(sort), v: values };
  return btoa(JSON.stringify(data)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const badCursor = () => validationFailed([{ path: "query.cursor", message: "is not a cursor of this list and sort" }]);

/** Decodes a cursor made for the same sort; anything else is VALIDATION_FAILED on `query.cursor`. */
export function decodeCursor(cursor: string, sort: SortKey[], arity: number): (string | number)[] {
  let data: CursorData;
  try {
    data = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw badCursor();
  }
  const valid =
    data &&
    data.s === sortSignature(sort) &&
    Array.isArray(data.v) &&
    data.v.length === arity &&
    data.v.every((v) => typeof v === "string" || typeof v === "number");
  if (!valid) throw badCursor();
  return data.v;
}

const sortSignature = (sort: SortKey[]) => sort.map((k) => (k.descending ? `-${k.key}` : k.key)).join(",");

/**
 * The keyset condition "after this row" for a mixed-direction sort:
 * (k1 > v1) OR (k1 = v1 AND k2 < v2) OR ... with the tie-breaking column last (ascending).
 */
export function keysetAfter(columns: { expr: SQL; descending: boolean }[], values: (string | number)[]): SQL {
  const branches: SQL[] = [];
  for (let i = 0; i < columns.length; i++) {
    const equalities = columns.slice(0, i).map((c, j) => sql`${c.expr} = ${values[j]}`);
    const col = columns[i]!;
    const step = col.descending ? sql`${col.expr} < ${values[i]}` : sql`${col.expr} > ${values[i]}`;
    branches.push(sql.join([...equalities, step], sql` and `));
  }
  return sql`(${sql.join(branches.map((b) => sql`(${b})`), sql` or `)})`;
}
