import { z } from "@hono/zod-openapi";
import { bookingChangeStatus, bookingStatus, flightChangeKind } from "../../db/schema/booking";
import { FlightStatus, Instant, Money } from "../../shared/schemas";
import { SEAT_LABEL } from "../../shared/seats";

export const NewBooking = z
  .object({
    flightId: z.uuid({ error: "must be a UUID" }),
    passengers: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(100).openapi({ example: "Asha Rao" }),
          seat: z
            .string()
            .trim()
            .toUpperCase()
            .regex(SEAT_LABEL, { error: "must be a seat like 12A" })
            .optional()
            .openapi({ example: "12A" }),
        }),
      )
      .min(1, { error: "must name 1 to 9 passengers" })
      .max(9, { error: "must name 1 to 9 passengers" }),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.passengers.forEach((p, i) => {
      if (!p.seat) return;
      if (seen.has(p.seat)) ctx.addIssue({ code: "custom", path: ["passengers", i, "seat"], message: `${p.seat} is chosen twice` });
      seen.add(p.seat);
    });
  });
export type HoldRequest = z.output<typeof NewBooking>;

export const NewPayment = z.object({ amount: Money });

export const BookingStatus = z.enum(bookingStatus.enumValues);
const ChangeKind = z.enum(flightChangeKind.enumValues);
const ChangedFields = z.record(z.string(), z.unknown()).openapi({ description: "departureTime, arrivalTime, status, boardingGate" });

export const BookingChange = z
  .object({
    id: z.uuid(),
    kind: ChangeKind,
    status: z.enum(bookingChangeStatus.enumValues),
    before: ChangedFields,
    after: ChangedFields,
    availableActions: z.array(z.enum(["accept", "cancel"])),
  })
  .openapi("BookingChange");

export const Booking = z
  .object({
    id: z.uuid(),
    status: BookingStatus,
    flightId: z.uuid(),
    seats: z.array(z.string()),
    passengers: z.array(z.object({ name: z.string(), seat: z.string() })),
    totalAmount: Money,
    holdExpiresAt: z.string(),
    createdAt: z.string(),
    paymentId: z.uuid().nullable(),
    changes: z
      .array(BookingChange)
      .openapi({ description: "Significant changes of the flight by the airline, with the customer's choice" }),
  })
  .openapi("Booking");
export type BookingView = z.output<typeof Booking>;

export const PaymentResult = z
  .object({ bookingId: z.uuid(), status: z.literal("confirmed"), paymentId: z.uuid() })
  .openapi("PaymentResult");

export const Cancellation = z.object({ id: z.uuid(), status: z.literal("cancelled") }).openapi("Cancellation");

/** An admin's change of a flight: PATCH /flights/{id}. Route and airplane are fixed. */
export const FlightChanges = z
  .object({
    departureTime: Instant.optional(),
    arrivalTime: Instant.optional(),
    price: Money.optional(),
    boardingGate: z.string().trim().min(1).max(10).nullable().optional(),
    status: FlightStatus.optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { error: "must change at least one field" });
export type FlightChangeInput = z.output<typeof FlightChanges>;

export const FlightChange = z
  .object({
    id: z.uuid(),
    flightId: z.uuid(),
    kind: ChangeKind,
    before: ChangedFields,
    after: ChangedFields,
    significant: z.boolean().openapi({ description: "Departure moved by more than SCHEDULE_CHANGE_MINUTES" }),
    changedBy: z.uuid().nullable(),
    createdAt: z.string(),
    bookingsAffected: z.number().int(),
    bookingsProcessed: z.number().int(),
    completedAt: z.string().nullable(),
    state: z.enum(["in_progress", "completed"]),
  })
  .openapi("FlightChange");

export const ChangeDecision = z
  .object({ bookingId: z.uuid(), changeId: z.uuid(), status: z.enum(["accepted", "cancelled"]) })
  .openapi("ChangeDecision");

export const ManifestEntry = z
  .object({
    id: z.uuid(),
    status: BookingStatus,
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
    passengers: z.array(z.object({ name: z.string(), seat: z.string() })),
    totalAmount: Money,
    createdAt: z.string(),
  })
  .openapi("ManifestEntry");
