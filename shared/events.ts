import { z } from "zod";

/** The booking events of API.md (Events), published on the JetStream stream BOOKINGS. */
export const BOOKING_EVENT_TYPES = ["held", "confirmed", "cancelled", "expired", "reminder"] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

export const BookingEventSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^bookings\.(held|confirmed|cancelled|expired|reminder)$/),
  occurredAt: z.string(),
  booking: z.object({
    id: z.uuid(),
    status: z.enum(["held", "confirmed", "cancelled", "expired"]),
    flightId: z.uuid(),
    flightNumber: z.string(),
    from: z.string(),
    to: z.string(),
    /** Instants with offset, plus the airports' zones so a reader can show local times. */
    departureTime: z.string(),
    departureTimeZone: z.string(),
    arrivalTime: z.string(),
    arrivalTimeZone: z.string(),
    seats: z.array(z.string()),
    passengers: z.array(z.object({ name: z.string(), seat: z.string() })),
    totalAmount: z.object({ amount: z.number().int(), currency: z.string() }),
    holdExpiresAt: z.string(),
  }),
  user: z.object({ email: z.string(), name: z.string() }),
});

export type BookingEvent = z.infer<typeof BookingEventSchema>;
