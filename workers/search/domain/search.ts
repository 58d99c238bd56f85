import { and, asc, desc, eq, gt, gte, lte, ne, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { seatsAvailable } from "../../../db/availability";
import type { Queryable } from "../../../db/client";
import { flights } from "../../../db/schema";
import { decodeCursor, encodeCursor, keysetAfter, parseSort } from "../../../shared/pagination";
import { type FlightRow, type FlightView, flightView, selectFlights } from "./flights";

export const FLIGHT_SORT_KEYS = ["price", "departureTime", "arrivalTime", "duration"] as const;
type FlightSortKey = (typeof FLIGHT_SORT_KEYS)[number];

const sortColumns: Record<FlightSortKey, { column: AnyPgColumn; value: (r: FlightRow) => string | number }> = {
  price: { column: flights.priceAmount, value: (r) => r.priceAmount },
  departureTime: { column: flights.departureTime, value: (r) => r.departureTime.toISOString() },
  arrivalTime: { column: flights.arrivalTime, value: (r) => r.arrivalTime.toISOString() },
  duration: { column: flights.durationMinutes, value: (r) => r.durationMinutes },
};

export interface FlightSearch {
  from?: string;
  to?: string;
  date?: string;
  passengers: number;
  minPrice?: number;
  maxPrice?: number;
  departAfter?: string;
  departBefore?: string;
  maxDurationMinutes?: number;
  sort?: string;
  limit: number;
  cursor?: string;
}

const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Flights matching the filters, in the requested order, one keyset page at a time. Every value
 * reaches SQL as a parameter; `date` and the time-of-day window are the departure airport's local
 * ones, stored with each flight so the route + day index answers the common search.
 */
export async function searchFlights(db: Queryable, q: FlightSearch): Promise<{ items: FlightView[]; next: string | null }> {
  const sort = parseSort(q.sort, FLIGHT_SORT_KEYS, "departureTime");
  const keyset = [
    ...sort.map((k) => ({ expr: sql`${sortColumns[k.key].column}`, descending: k.descending })),
    { expr: sql`${flights.id}`, descending: false },
  ];
  const conditions: (SQL | undefined)[] = [
    ne(flights.status, "cancelled"),
    gt(flights.departureTime, sql`now()`), // a flight that has left is not for sale
    q.from ? eq(flights.origin, q.from) : undefined,
    q.to ? eq(flights.destination, q.to) : undefined,
    q.date ? eq(flights.departureLocalDate, q.date) : undefined,
    q.minPrice !== undefined ? gte(flights.priceAmount, q.minPrice) : undefined,
    q.maxPrice !== undefined ? lte(flights.priceAmount, q.maxPrice) : undefined,
    q.departAfter ? gte(flights.departureLocalMinute, minuteOfDay(q.departAfter)) : undefined,
    q.departBefore ? lte(flights.departureLocalMinute, minuteOfDay(q.departBefore)) : undefined,
    q.maxDurationMinutes ? lte(flights.durationMinutes, q.maxDurationMinutes) : undefined,
    sql`${seatsAvailable(flights.id, flights.capacity)} >= ${q.passengers}`,
    q.cursor ? keysetAfter(keyset, decodeCursor(q.cursor, sort, keyset.length)) : undefined,
  ];
  const rows = await selectFlights(db)
    .where(and(...conditions))
    .orderBy(...keyset.map((k) => (k.descending ? desc(k.expr) : asc(k.expr))))
    .limit(q.limit + 1);

  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > q.limit && last ? encodeCursor(sort, [...sort.map((k) => sortColumns[k.key].value(last)), last.id]) : null;
  return { items: page.map(flightView), next };
}
