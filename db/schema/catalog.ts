import { sql } from "drizzle-orm";
import {
  bigint,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const cabinClass = pgEnum("cabin_class", ["first", "business", "economy"]);
export const flightStatus = pgEnum("flight_status", ["scheduled", "delayed", "cancelled"]);

export const cities = pgTable(
  "cities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    country: text("country").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cities_name_country_key").on(sql`lower(${t.name})`, sql`lower(${t.country})`)],
);

/** Airports are keyed by their IATA code; flights refer to them by it. */
export const airports = pgTable(
  "airports",
  {
    code: char("code", { length: 3 }).primaryKey(),
    name: text("name").notNull(),
    cityId: uuid("city_id")
      .notNull()
      .references(() => cities.id),
    timeZone: text("time_zone").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("airports_code_upper", sql`${t.code} ~ '^[A-Z]{3}$'`), index("airports_city_idx").on(t.cityId)],
);

export type CabinClass = (typeof cabinClass.enumValues)[number];

export interface CabinLayout {
  cabin: CabinClass;
  rows: number;
  seatsPerRow: number;
}

export const airplanes = pgTable("airplanes", {
  id: uuid("id").primaryKey().defaultRandom(),
  model: text("model").notNull(),
  /** Cabins front to back; seat rows are numbered continuously through them. */
  cabins: jsonb("cabins").$type<CabinLayout[]>().notNull(),
  capacity: integer("capacity").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const flights = pgTable(
  "flights",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    flightNumber: text("flight_number").notNull(),
    airplaneId: uuid("airplane_id")
      .notNull()
      .references(() => airplanes.id),
    origin: char("origin", { length: 3 })
      .notNull()
      .references(() => airports.code),
    destination: char("destination", { length: 3 })
      .notNull()
      .references(() => airports.code),
    // Whole seconds: times round-trip exactly through JSON (and keyset cursors).
    departureTime: timestamp("departure_time", { withTimezone: true, precision: 0 }).notNull(),
    arrivalTime: timestamp("arrival_time", { withTimezone: true, precision: 0 }).notNull(),
    /** The departure airport's calendar day and minute of day: what `date` and `departAfter` filter on. */
    departureLocalDate: date("departure_local_date").notNull(),
    departureLocalMinute: smallint("departure_local_minute").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    /** Every fare of the flight is in this currency (flight_cabins). */
    currency: char("currency", { length: 3 }).notNull(),
    boardingGate: text("boarding_gate"),
    status: flightStatus("status").notNull().default("scheduled"),
    capacity: integer("capacity").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("flights_route", sql`${t.origin} <> ${t.destination}`),
    check("flights_times", sql`${t.arrivalTime} > ${t.departureTime}`),
    // Origin + local day (+ destination): the main search, and the first legs of itineraries.
    // Route + instant: the second leg of a connection.
    index("flights_route_day_idx").on(t.origin, t.departureLocalDate, t.destination, t.departureTime),
    index("flights_route_time_idx").on(t.origin, t.destination, t.departureTime),
    index("flights_departure_idx").on(t.departureTime, t.id),
  ],
);

/**
 * The cabins a flight sells: each with its fare (per passenger, minor units of the flight's
 * currency) and its number of seats. A cabin of the airplane without a row here is not for sale.
 */
export const flightCabins = pgTable(
  "flight_cabins",
  {
    flightId: uuid("flight_id")
      .notNull()
      .references(() => flights.id, { onDelete: "cascade" }),
    cabin: cabinClass("cabin").notNull(),
    priceAmount: bigint("price_amount", { mode: "number" }).notNull(),
    capacity: integer("capacity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flightId, t.cabin] }), check("flight_cabins_price", sql`${t.priceAmount} >= 0`)],
);

/** Seat letters across a row, left to right: A to K without I (too like 1), so at most 10 a row. */
export const SEAT_LETTERS = "ABCDEFGHJK";

/**
 * One row per seat of a flight: the inventory the booking worker locks row by row. A seat is taken
 * while `booking_id` is set, except that a hold (`held_until` set) past its time counts as free
 * even before the cleanup job clears it.
 */
export const seats = pgTable(
  "seats",
  {
    flightId: uuid("flight_id")
      .notNull()
      .references(() => flights.id, { onDelete: "cascade" }),
    row: smallint("row").notNull(),
    letter: char("letter", { length: 1 }).notNull(),
    cabin: cabinClass("cabin").notNull(),
    bookingId: uuid("booking_id"),
    heldUntil: timestamp("held_until", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.flightId, t.row, t.letter] }),
    // Only taken seats are in this index, so counting a flight's taken seats reads a few entries.
    index("seats_taken_idx")
      .on(t.flightId, t.cabin, t.heldUntil)
      .where(sql`${t.bookingId} is not null`),
  ],
);
