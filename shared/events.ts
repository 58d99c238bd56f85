import * as z from "zod";
import { bookingStatus, flightChangeKind } from "../db/schema/booking";

/**
 * The booking events of API.md (Events): published on the JetStream stream BOOKINGS with subject
 * `bookings.<type>`, one email each. The contract between the booking worker, which writes them
 * (workers/booking/domain/events.ts), and the notifier, which reads them.
 */
export const BOOKING_EVENT_TYPES = [
  "held",
  "confirmed",
  "cancelled",
  "expired",
  "reminder",
  // The airline changed the booking's flight (workers/booking/domain/flight-changes.ts).
  "schedule_changed",
  "delayed",
  "gate_changed",
  "flight_cancelled",
  // A payment arrived after the booking's seats were let go (or it was cancelled): refunded.
  "payment_refunded",
] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

export const eventSubject = (type: BookingEventType) => `bookings.${type}` as const;
export type BookingEventSubject = ReturnType<typeof eventSubject>;

/** A change of a flight's schedule, status or gate, as events (and the API) describe it. */
export const FlightChangeSchema = z.object({
  id: z.uuid(),
  kind: z.enum(flightChangeKind.enumValues),
  /** The changed fields (departureTime, arrivalTime, status, boardingGate), as they were and are. */
  before: z.record(z.string(), z.unknown()),
  after: z.record(z.string(), z.unknown()),
  /** Departure moved by more than SCHEDULE_CHANGE_MINUTES: the customer may accept or cancel. */
  significant: z.boolean(),
});
export type FlightChange = z.infer<typeof FlightChangeSchema>;

/**
 * A flight of a booking as events show it: instants with offset, plus the airports' zones so a
 * reader can show local times, and the booking's seats and passengers on it.
 */
const EventFlight = z.object({
  flightId: z.uuid(),
  flightNumber: z.string(),
  from: z.string(),
  to: z.string(),
  departureTime: z.string(),
  departureTimeZone: z.string(),
  arrivalTime: z.string(),
  arrivalTimeZone: z.string(),
  seats: z.array(z.string()),
  passengers: z.array(z.object({ name: z.string(), seat: z.string() })),
});

export const BookingEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(BOOKING_EVENT_TYPES.map(eventSubject) as [BookingEventSubject, ...BookingEventSubject[]]),
  occurredAt: z.string(),
  /**
   * The booking, its fields of a flight being those of the flight the event is about: the booking's
   * first, unless the event is about another, as a reminder or an airline change is.
   */
  booking: EventFlight.extend({
    id: z.uuid(),
    status: z.enum(bookingStatus.enumValues),
    /** Every flight of the booking in journey order, each with its cabin. */
    legs: z.array(EventFlight.extend({ cabin: z.string() })).optional(),
    totalAmount: z.object({ amount: z.number().int(), currency: z.string() }),
    holdExpiresAt: z.string(),
  }),
  user: z.object({ email: z.string(), name: z.string() }),
  /** The booking's refund, once it has one. */
  refund: z.object({ amount: z.number().int(), currency: z.string() }).nullable().optional(),
  /** For the airline's changes: what changed. */
  change: FlightChangeSchema.optional(),
});

export type BookingEvent = z.infer<typeof BookingEventSchema>;

/** The event type of a subject: `bookings.held` → `held`. */
export const eventTypeOf = (event: BookingEvent): BookingEventType => event.type.slice("bookings.".length) as BookingEventType;

/**
 * The flight-level event of an airline change (subject `flights.changed`), once per change beside
 * the per-booking ones: for partners that follow flights rather than bookings (webhooks).
 */
export const FLIGHT_CHANGED = "flights.changed";

export const FlightChangedEventSchema = z.object({
  id: z.uuid(),
  type: z.literal(FLIGHT_CHANGED),
  occurredAt: z.string(),
  flight: z.object({
    id: z.uuid(),
    flightNumber: z.string(),
    from: z.string(),
    to: z.string(),
    departureTime: z.string(),
    arrivalTime: z.string(),
    status: z.string(),
    boardingGate: z.string().nullable(),
  }),
  change: FlightChangeSchema.extend({ bookingsAffected: z.number().int() }),
});
export type FlightChangedEvent = z.infer<typeof FlightChangedEventSchema>;
