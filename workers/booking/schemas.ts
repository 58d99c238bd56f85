import { z } from "@hono/zod-openapi";
import { bookingStatus } from "../../db/schema/booking";
import { Money } from "../../shared/schemas";
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
  })
  .openapi("Booking");
export type BookingView = z.output<typeof Booking>;

export const PaymentResult = z
  .object({ bookingId: z.uuid(), status: z.literal("confirmed"), paymentId: z.uuid() })
  .openapi("PaymentResult");

export const Cancellation = z.object({ id: z.uuid(), status: z.literal("cancelled") }).openapi("Cancellation");
