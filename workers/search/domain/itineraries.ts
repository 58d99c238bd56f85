import { sql } from "drizzle-orm";
import { seatsAvailable } from "../../../db/availability";
import type { Queryable } from "../../../db/client";
import { type KeyColumn, keyset, parseSort } from "../../../shared/pagination";
import { toZonedIso } from "../../../shared/time";
import type { ItinerarySearch } from "../schemas";
import { type FlightView, findFlights, MAX_CONNECTION_MINUTES, MIN_CONNECTION_MINUTES } from "../../../shared/flights";

export const ITINERARY_SORT_KEYS = ["price", "departureTime", "arrivalTime", "duration"] as const;

/** A connection needs this much time on the ground, and is not offered past the upper bound. */
const MIN_CONNECTION = `${MIN_CONNECTION_MINUTES} minutes`;
const MAX_CONNECTION = `${MAX_CONNECTION_MINUTES} minutes`;

interface Candidate extends Record<string, unknown> {
  id: string;
  leg1: string;
  leg2: string | null;
  price: number;
  currency: string;
  departure: Date;
  arrival: Date;
  duration: number;
  layover: number | null;
  seats: number;
  destination_zone: string;
  origin_zone: string;
}

const sortColumns: Record<(typeof ITINERARY_SORT_KEYS)[number], Omit<KeyColumn<Candidate>, "name" | "descending">> = {
  price: { sql: sql`price`, type: "integer", value: (c) => Number(c.price) },
  departureTime: { sql: sql`departure`, type: "timestamp", value: (c) => new Date(c.departure).toISOString() },
  arrivalTime: { sql: sql`arrival`, type: "timestamp", value: (c) => new Date(c.arrival).toISOString() },
  duration: { sql: sql`duration`, type: "integer", value: (c) => c.duration },
};

/**
 * Direct flights and one-stop connections from `from` to `to` leaving on the origin's local `date`:
 * the second leg leaves the connecting airport 45 minutes to 12 hours after the first lands (the
 * same day or overnight), both legs have seats for every passenger, and both are priced in one
 * currency so the total is a sum.
 */
export async function searchItineraries(db: Queryable, q: ItinerarySearch) {
  const sort = parseSort(q.sort, ITINERARY_SORT_KEYS, "departureTime");
  const page = keyset<Candidate>(
    [
      ...sort.map((k) => ({ name: k.key, descending: k.descending, ...sortColumns[k.key] })),
      { name: "id", sql: sql`id`, type: "text", value: (c) => c.id },
    ],
    q.cursor,
  );
  // Seats and fare of the searched cabin; a flight that does not sell it is no leg.
  const inCabin = (f: string) => sql`
    cross join lateral (select fc.price_amount, ${seatsAvailable(sql.raw(`${f}.id`), sql`fc.capacity`, sql`fc.cabin`)} as seats
      from flight_cabins fc where fc.flight_id = ${sql.raw(f)}.id and fc.cabin = ${q.cabin}) ${sql.raw(`${f}_cabin`)}`;

  const candidates = await db.execute<Candidate>(sql`
    with first_leg as (
      select f.*, f_cabin.price_amount, f_cabin.seats
      from flights f ${inCabin("f")}
      where f.origin = ${q.from} and f.departure_local_date = ${q.date} and f.status <> 'cancelled'
        and f.departure_time > now()
    ),
    itineraries as (
      select l1.id::text as id, l1.id as leg1, null::uuid as leg2, l1.price_amount as price, l1.currency,
        l1.departure_time as departure, l1.arrival_time as arrival, l1.duration_minutes as duration,
        null::int as layover, l1.seats
      from first_leg l1
      where l1.destination = ${q.to} and l1.seats >= ${q.passengers}
      union all
      select l1.id::text || '+' || l2.id::text, l1.id, l2.id, l1.price_amount + l2_cabin.price_amount, l1.currency,
        l1.departure_time, l2.arrival_time,
        round(extract(epoch from l2.arrival_time - l1.departure_time) / 60)::int,
        round(extract(epoch from l2.departure_time - l1.arrival_time) / 60)::int,
        least(l1.seats, l2_cabin.seats)
      from first_leg l1
      -- One lookup of flights_route_time_idx per first leg (a few rows each). OFFSET 0 keeps the
      -- subquery from being flattened into a join, which PostgreSQL may otherwise run as a hash join
      -- over a sequential scan of every flight to the destination (all days): 0.5 s on 1M flights.
      cross join lateral (
        select * from flights l2
        where l2.origin = l1.destination and l2.destination = ${q.to}
          and l2.departure_time between l1.arrival_time + ${MIN_CONNECTION}::interval and l1.arrival_time + ${MAX_CONNECTION}::interval
          and l2.status <> 'cancelled' and l2.currency = l1.currency
        offset 0
      ) l2
      ${inCabin("l2")}
      where ${q.maxStops} >= 1 and l1.destination <> ${q.to}
        and l1.seats >= ${q.passengers} and l2_cabin.seats >= ${q.passengers}
    )
    select i.*, o.time_zone as origin_zone, d.time_zone as destination_zone
    from itineraries i, airports o, airports d
    where o.code = ${q.from} and d.code = ${q.to} and i.seats >= ${q.passengers} and ${page.after ?? sql`true`}
    order by ${sql.join(page.orderBy, sql`, `)}
    limit ${q.limit + 1}`);

  const shown = candidates.slice(0, q.limit);
  const legs = await findFlights(db, [...new Set(shown.flatMap((c) => (c.leg2 ? [c.leg1, c.leg2] : [c.leg1])))], q.cabin);
  return page.page(candidates, q.limit, (c) => ({
    id: c.id,
    from: q.from,
    to: q.to,
    stops: c.leg2 ? 1 : 0,
    departureTime: toZonedIso(new Date(c.departure), c.origin_zone),
    arrivalTime: toZonedIso(new Date(c.arrival), c.destination_zone),
    durationMinutes: c.duration,
    layoverMinutes: c.layover,
    cabin: q.cabin,
    price: { amount: Number(c.price), currency: c.currency },
    seatsAvailable: c.seats,
    legs: [c.leg1, c.leg2].filter((id): id is string => Boolean(id)).map((id) => legs.get(id) as FlightView),
  }));
}
