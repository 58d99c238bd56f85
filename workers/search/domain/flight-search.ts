import { and, eq, gt, gte, lte, ne, type SQL, sql } from "drizzle-orm";
import { seatsAvailable } from "../../../db/availability";
import type { Queryable } from "../../../db/client";
import { type CabinClass, flightCabins, flights } from "../../../db/schema";
import { type KeyColumn, keyset, type Page, parseSort } from "../../../shared/pagination";
import type { FlightSearch } from "../schemas";
import { type FlightRow, type FlightView, flightView, selectFlights } from "../../../shared/flights";

export const FLIGHT_SORT_KEYS = ["price", "departureTime", "arrivalTime", "duration"] as const;
type FlightSortKey = (typeof FLIGHT_SORT_KEYS)[number];

/** The fare of the searched cabin, from a row's cabins (the search joins only flights that sell it). */
const fareOf = (r: FlightRow, cabin: CabinClass) => Number(r.cabins.find((c) => c.cabin === cabin)?.amount ?? 0);

const sortColumns = (cabin: CabinClass): Record<FlightSortKey, Omit<KeyColumn<FlightRow>, "name" | "descending">> => ({
  price: { sql: sql`${flightCabins.priceAmount}`, type: "integer", value: (r) => fareOf(r, cabin) },
  departureTime: { sql: sql`${flights.departureTime}`, type: "timestamp", value: (r) => r.departureTime.toISOString() },
  arrivalTime: { sql: sql`${flights.arrivalTime}`, type: "timestamp", value: (r) => r.arrivalTime.toISOString() },
  duration: { sql: sql`${flights.durationMinutes}`, type: "integer", value: (r) => r.durationMinutes },
});

const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Flights matching the filters, in the requested order, one keyset page at a time. Prices, the
 * price filters and sort, and the seat count are those of the requested cabin (default economy). Every value
 * reaches SQL as a parameter; `date` and the time-of-day window are the departure airport's local
 * ones, stored with each flight so the route + day index answers the common search.
 */
export async function searchFlights(db: Queryable, q: FlightSearch): Promise<Page<FlightView>> {
  const sort = parseSort(q.sort, FLIGHT_SORT_KEYS, "departureTime");
  const columns = sortColumns(q.cabin);
  const page = keyset<FlightRow>(
    [
      ...sort.map((k) => ({ name: k.key, descending: k.descending, ...columns[k.key] })),
      { name: "id", sql: sql`${flights.id}`, type: "uuid", value: (r) => r.id },
    ],
    q.cursor,
  );
  const conditions: (SQL | undefined)[] = [
    ne(flights.status, "cancelled"),
    gt(flights.departureTime, sql`now()`), // a flight that has left is not for sale
    q.from ? eq(flights.origin, q.from) : undefined,
    q.to ? eq(flights.destination, q.to) : undefined,
    q.date ? eq(flights.departureLocalDate, q.date) : undefined,
    q.minPrice !== undefined ? gte(flightCabins.priceAmount, q.minPrice) : undefined,
    q.maxPrice !== undefined ? lte(flightCabins.priceAmount, q.maxPrice) : undefined,
    q.departAfter ? gte(flights.departureLocalMinute, minuteOfDay(q.departAfter)) : undefined,
    q.departBefore ? lte(flights.departureLocalMinute, minuteOfDay(q.departBefore)) : undefined,
    q.maxDurationMinutes ? lte(flights.durationMinutes, q.maxDurationMinutes) : undefined,
    sql`${seatsAvailable(flights.id, flightCabins.capacity, sql`${flightCabins.cabin}`)} >= ${q.passengers}`,
    page.after,
  ];
  // Only flights that sell the cabin; price and seats are that cabin's.
  const rows = await selectFlights(db)
    .innerJoin(flightCabins, and(eq(flightCabins.flightId, flights.id), eq(flightCabins.cabin, q.cabin)))
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
  return page.page(rows, q.limit, (row) => flightView(row, q.cabin));
}
