import { z } from "@hono/zod-openapi";
import { PageQuery } from "../../shared/pagination";
import { CabinName, Flight, faresOf, Instant, Money, Prices, scheduleProblem } from "../../shared/schemas";
import { MAX_ROWS, MAX_SEATS_PER_ROW } from "../../shared/seats";
import { INSTANT_RANGE, inInstantRange, isTimeZone } from "../../shared/time";

export { Flight };

export const IataCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, { error: "must be a 3-letter IATA code" })
  .openapi({ example: "DEL" });

export const City = z.object({ id: z.uuid(), name: z.string(), country: z.string() }).openapi("City");
export const NewCity = z.object({
  name: z.string().trim().min(1).max(100).openapi({ example: "New Delhi" }),
  country: z.string().trim().min(2).max(60).openapi({ example: "IN" }),
});
export type CityInput = z.output<typeof NewCity>;

export const Airport = z
  .object({ code: z.string(), name: z.string(), cityId: z.uuid(), city: z.string(), country: z.string(), timeZone: z.string() })
  .openapi("Airport");
export const NewAirport = z.object({
  code: IataCode,
  name: z.string().trim().min(1).max(120).openapi({ example: "Indira Gandhi International" }),
  cityId: z.uuid({ error: "must be a UUID" }),
  timeZone: z
    .string()
    .refine(isTimeZone, { error: "must be an IANA time zone such as Asia/Kolkata" })
    .openapi({ example: "Asia/Kolkata" }),
});
export type AirportInput = z.output<typeof NewAirport>;

export const Cabin = z.object({
  cabin: CabinName,
  rows: z.number().int().min(1).max(MAX_ROWS),
  seatsPerRow: z.number().int().min(1).max(MAX_SEATS_PER_ROW),
});
export const Airplane = z
  .object({ id: z.uuid(), model: z.string(), capacity: z.number().int(), cabins: z.array(Cabin) })
  .openapi("Airplane");
export const NewAirplane = z.object({
  model: z.string().trim().min(1).max(80).openapi({ example: "Airbus A320neo" }),
  cabins: z
    .array(Cabin)
    .min(1)
    .max(3)
    .refine((cabins) => new Set(cabins.map((c) => c.cabin)).size === cabins.length, { error: "must not repeat a cabin" })
    .refine((cabins) => cabins.reduce((n, c) => n + c.rows, 0) <= MAX_ROWS, { error: `must have at most ${MAX_ROWS} rows in all` }),
});
export type AirplaneInput = z.output<typeof NewAirplane>;

const FlightNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2} ?\d{1,4}[A-Z]?$/, { error: "must be an airline code and number, like AI 101" });

export const NewFlight = z
  .object({
    flightNumber: FlightNumber,
    airplaneId: z.uuid({ error: "must be a UUID" }),
    from: IataCode,
    to: IataCode,
    departureTime: Instant,
    arrivalTime: Instant,
    prices: Prices.optional().openapi({ description: "A fare per cabin to sell; cabins left out are not sold" }),
    price: Money.optional().openapi({ description: "The economy fare (what `prices: {economy}` says); give one of price and prices" }),
    boardingGate: z.string().trim().min(1).max(10).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.from === f.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must differ from from" });
    const fares = faresOf(f, ctx);
    if (!fares || Object.keys(fares).length === 0) ctx.addIssue({ code: "custom", path: ["prices"], message: "must name a fare for at least one cabin" });
    const problem = scheduleProblem(f.departureTime, f.arrivalTime);
    if (problem) ctx.addIssue({ code: "custom", path: ["arrivalTime"], message: problem });
  });
export type FlightInput = z.output<typeof NewFlight>;


const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "must be a local time HH:MM" });
const LocalDate = z.iso.date({ error: "must be a date YYYY-MM-DD" }).refine(inInstantRange, { error: `must be ${INSTANT_RANGE}` });
/** Seats every result must have free: a party of 1 to 9, as a booking takes. */
const Passengers = z.coerce.number().int().min(1).max(9).default(1);
const Sort = (example: string) => z.string().max(100).optional().openapi({ example });

export const FlightSearchQuery = z
  .object({
    from: IataCode.optional(),
    to: IataCode.optional(),
    date: LocalDate.optional().openapi({ description: "The departure airport's local calendar day" }),
    passengers: Passengers,
    cabin: CabinName.default("economy").openapi({ description: "Seats, price filters and sort are of this cabin" }),
    minPrice: z.coerce.number().int().min(0).optional(),
    maxPrice: z.coerce.number().int().min(0).optional(),
    departAfter: LocalTime.optional(),
    departBefore: LocalTime.optional(),
    maxDurationMinutes: z.coerce.number().int().min(1).max(10_000).optional(),
    sort: Sort("price,-departureTime"),
    ...PageQuery,
  })
  .superRefine((q, ctx) => {
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
      ctx.addIssue({ code: "custom", path: ["maxPrice"], message: "must not be below minPrice" });
    }
  });
export type FlightSearch = z.output<typeof FlightSearchQuery>;

export const ItineraryQuery = z.object({
  from: IataCode,
  to: IataCode,
  date: LocalDate,
  passengers: Passengers,
  cabin: CabinName.default("economy").openapi({ description: "Every leg in this cabin: its seats and fares" }),
  maxStops: z.coerce.number().int().min(0).max(1).default(1),
  sort: Sort("duration"),
  ...PageQuery,
});
export type ItinerarySearch = z.output<typeof ItineraryQuery>;

export const Itinerary = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    stops: z.number().int(),
    departureTime: z.string(),
    arrivalTime: z.string(),
    durationMinutes: z.number().int(),
    layoverMinutes: z.number().int().nullable(),
    cabin: CabinName,
    price: Money.openapi({ description: "The sum of the legs' fares in `cabin`, per passenger" }),
    seatsAvailable: z.number().int(),
    legs: z.array(Flight),
  })
  .openapi("Itinerary");

export const SeatMap = z
  .object({
    flightId: z.uuid(),
    cabins: z.array(
      z.object({
        cabin: CabinName,
        price: Money.nullable().openapi({ description: "The cabin's fare per passenger; null when it is not on sale" }),
        rows: z.array(z.object({ row: z.number().int(), seats: z.array(z.object({ seat: z.string(), available: z.boolean() })) })),
      }),
    ),
  })
  .openapi("SeatMap");
