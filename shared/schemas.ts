import { z } from "@hono/zod-openapi";
import { cabinClass, flightStatus } from "../db/schema/catalog";
import { INSTANT_RANGE, inInstantRange } from "./time";

/** Wire shapes more than one worker speaks (API.md, Conventions). */

export const Money = z
  .object({
    amount: z.number().int({ error: "must be an integer amount in minor units" }).min(0).max(1e12),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code like INR" })
      .openapi({ example: "INR" }),
  })
  .openapi("Money", { example: { amount: 549900, currency: "INR" } });

/** `/{id}` path parameters: a malformed id is 400, an unknown one 404. */
export const IdParam = z.object({ id: z.uuid({ error: "must be a UUID" }) });

/** An amount of money as the API carries it: integer minor units and an ISO currency. */
export type Amount = z.output<typeof Money>;

export const Instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time with an offset" })
  .refine(inInstantRange, { error: `must be ${INSTANT_RANGE}` })
  .openapi({ example: "2026-12-01T09:30:00+05:30" });

/** Longer than any airliner flies: a longer one is a typo, not a flight. */
const MAX_FLIGHT_HOURS = 48;

/** What is wrong with a flight's arrival given its departure, if anything (creating and changing alike). */
export function scheduleProblem(departure: string, arrival: string): string | undefined {
  const minutes = (Date.parse(arrival) - Date.parse(departure)) / 60_000;
  if (minutes <= 0) return "must be after departureTime";
  if (minutes > MAX_FLIGHT_HOURS * 60) return `must be at most ${MAX_FLIGHT_HOURS} hours after departureTime`;
  return undefined;
}

export const FlightStatus = z.enum(flightStatus.enumValues);
export const CabinName = z.enum(cabinClass.enumValues);

/** A fare per cabin the flight sells, all in the flight's one currency. */
export const Prices = z
  .object({ economy: Money.optional(), business: Money.optional(), first: Money.optional() })
  .strict()
  .openapi("Prices", { example: { economy: { amount: 549900, currency: "INR" }, business: { amount: 1899900, currency: "INR" } } });

export const Flight = z
  .object({
    id: z.uuid(),
    flightNumber: z.string(),
    airplaneId: z.uuid(),
    from: z.string(),
    to: z.string(),
    departureTime: z.string().openapi({ description: "In the departure airport's local time, with offset" }),
    arrivalTime: z.string().openapi({ description: "In the arrival airport's local time, with offset" }),
    durationMinutes: z.number().int(),
    cabin: CabinName.nullable().openapi({ description: "The cabin `price` and `seatsAvailable` are of: the one searched for, else economy (or the cheapest on sale)" }),
    price: Money,
    seatsAvailable: z.number().int().openapi({ description: "In `cabin` when searching by cabin; in every cabin otherwise" }),
    prices: Prices,
    cabins: z.array(z.object({ cabin: CabinName, price: Money, seatsAvailable: z.number().int(), capacity: z.number().int() })),
    capacity: z.number().int(),
    boardingGate: z.string().nullable(),
    status: FlightStatus,
  })
  .openapi("Flight");


/** The fares of a flight, by cabin: what `prices` (or `price` alone) says. */
export type Fares = Partial<Record<z.output<typeof CabinName>, Amount>>;

/**
 * `prices`, or `price` alone as the economy fare (still accepted for clients of the single
 * price); issues for both at once, or for fares in more than one currency.
 */
export function faresOf(input: { price?: Amount; prices?: Fares }, ctx?: z.RefinementCtx): Fares | undefined {
  if (input.price && input.prices) ctx?.addIssue({ code: "custom", path: ["price"], message: "give prices or price, not both" });
  const fares = input.prices ?? (input.price ? { economy: input.price } : undefined);
  const currencies = new Set(Object.values(fares ?? {}).map((f) => f.currency));
  if (currencies.size > 1) ctx?.addIssue({ code: "custom", path: ["prices"], message: "must all be in one currency" });
  return fares;
}
