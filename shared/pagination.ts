import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { validationFailed } from "./errors";

/** `?limit=` (default 20, max 100) and `?cursor=` (opaque), as in API.md. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(1024).optional().openapi({ description: "Opaque: the `page.next` of the previous page" }),
};

/** The query of a list with nothing but pages. */
export const ListQuery = z.object(PageQuery);
export type PageRequest = z.output<typeof ListQuery>;

export const PageSchema = z.object({ next: z.string().nullable() }).openapi("Page");

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), page: PageSchema });

/** A list answer of API.md: `{data: [...], page: {next}}`. */
export interface Page<T> {
  data: T[];
  page: { next: string | null };
}

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
  const parsed: SortKey<K>[] = [];
  for (const raw of spec.split(",").map((s) => s.trim())) {
    const descending = raw.startsWith("-");
    const key = (descending ? raw.slice(1) : raw) as K;
    if (!allowed.includes(key) || parsed.some((p) => p.key === key)) {
      throw validationFailed([{ path: "query.sort", message: `must be a comma list of ${allowed.join(", ")}, each optionally prefixed with -` }]);
    }
    parsed.push({ key, descending });
  }
  return parsed;
}

/** What a cursor may carry for a column, checked before it reaches SQL. */
export type KeyType = "integer" | "timestamp" | "uuid" | "text";

/** One column of a keyset: the expression ordered on, its type, direction, and a row's value of it. */
export interface KeyColumn<Row> {
  name: string;
  sql: SQL;
  type: KeyType;
  descending?: boolean;
  value: (row: Row) => string | number;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const valid: Record<KeyType, (v: unknown) => boolean> = {
  integer: (v) => Number.isSafeInteger(v),
  timestamp: (v) => typeof v === "string" && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => typeof v === "string" && UUID.test(v),
  text: (v) => typeof v === "string" && v.length <= 256,
};

const cast: Record<KeyType, (v: string | number) => SQL> = {
  integer: (v) => sql`${v}::bigint`,
  timestamp: (v) => sql`${v}::timestamptz`,
  uuid: (v) => sql`${v}::uuid`,
  text: (v) => sql`${v}::text`,
};

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (cursor: string) =>
  new TextDecoder("utf-8", { fatal: true }).decode(
    Uint8Array.from(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
  );

export interface Keyset<Row> {
  /** "After the cursor's row" in the keyset's order; undefined on the first page. */
  after: SQL | undefined;
  /** ORDER BY terms, the last column breaking ties. */
  orderBy: SQL[];
  /** `limit + 1` rows in, a page out: the next cursor is made from the last row shown. */
  page<R extends Row, T>(rows: R[], limit: number, view: (row: R) => T): Page<T>;
}

/**
 * Keyset pagination over `columns` (the last one unique, so the order is total). The cursor is
 * opaque to clients: base64url JSON of the keyset's signature and the last row's values. Decoding
 * checks it belongs to this list and sort and that every value has its column's type, so a
 * hand-made cursor is a 400 on `query.cursor`, never an error in SQL; deep pages cost what the
 * first does.
 */
export function keyset<Row>(columns: KeyColumn<Row>[], cursor: string | undefined): Keyset<Row> {
  const signature = columns.map((c) => (c.descending ? `-${c.name}` : c.name)).join(",");
  const values = cursor === undefined ? undefined : decode(cursor, signature, columns);
  return {
    after: values && after(columns, values),
    orderBy: columns.map((c) => (c.descending ? sql`${c.sql} desc` : sql`${c.sql} asc`)),
    page(rows, limit, view) {
      const shown = rows.slice(0, limit);
      const last = shown[shown.length - 1];
      const next = rows.length > limit && last ? toBase64Url(JSON.stringify({ k: signature, v: columns.map((c) => c.value(last)) })) : null;
      return { data: shown.map(view), page: { next } };
    },
  };
}

function decode<Row>(cursor: string, signature: string, columns: KeyColumn<Row>[]): (string | number)[] {
  let data: { k?: unknown; v?: unknown };
  try {
    data = JSON.parse(fromBase64Url(cursor));
  } catch {
    data = {};
  }
  const v = data?.v;
  const ok = data?.k === signature && Array.isArray(v) && v.length === columns.length && columns.every((c, i) => valid[c.type](v[i]));
  if (!ok) throw validationFailed([{ path: "query.cursor", message: "is not a cursor of this list and sort" }]);
  return v as (string | number)[];
}

/** (k1 > v1) or (k1 = v1 and k2 < v2) or …, each comparison in its column's direction. */
function after<Row>(columns: KeyColumn<Row>[], values: (string | number)[]): SQL {
  const value = (i: number) => cast[columns[i]!.type](values[i]!);
  const branches = columns.map((col, i) => {
    const equalities = columns.slice(0, i).map((c, j) => sql`${c.sql} = ${value(j)}`);
    const step = col.descending ? sql`${col.sql} < ${value(i)}` : sql`${col.sql} > ${value(i)}`;
    return sql`(${sql.join([...equalities, step], sql` and `)})`;
  });
  return sql`(${sql.join(branches, sql` or `)})`;
}
