import { z } from "@hono/zod-openapi";
import { bookingChangeStatus, bookingStatus, flightChangeKind, refundStatus } from "../../db/schema/booking";
import { CabinName, FlightStatus, faresOf, Instant, Money, Prices } from "../../shared/schemas";
import { webhookDeliveryState } from "../../db/schema/webhooks";
import { SEAT_LABEL } from "../../shared/seats";
import { WEBHOOK_EVENT_FILTERS } from "../../shared/webhooks";

const SeatLabel = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SEAT_LABEL, { error: "must be a seat like 12A" })
  .openapi({ example: "12A" });

const UUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** The most flights one booking may take: a return trip of two connections. */
export const MAX_FLIGHTS = 4;

export const NewBooking = z
  .object({
    flightId: z.uuid({ error: "must be a UUID" }).optional().openapi({ description: "One flight (or use flights, or itineraryId)" }),
    itineraryId: z
      .string()
      .regex(new RegExp(`^${UUID_TEXT}(\\+${UUID_TEXT}){0,${MAX_FLIGHTS - 1}}$`), { error: "must be an itinerary id from GET /itineraries" })
      .optional()
      .openapi({ description: "An itinerary's id as GET /itineraries answers it: its flights, in order" }),
    flights: z
      .array(
        z.object({
          flightId: z.uuid({ error: "must be a UUID" }),
          cabin: CabinName.optional(),
          seats: z.array(SeatLabel).max(9).optional().openapi({ description: "Seats on this flight, in passenger order; the rest are assigned" }),
        }),
      )
      .min(1, { error: `must name 1 to ${MAX_FLIGHTS} flights` })
      .max(MAX_FLIGHTS, { error: `must name 1 to ${MAX_FLIGHTS} flights` })
      .optional()
      .openapi({ description: "Several flights held as one booking: a connection or a return trip" }),
    cabin: CabinName.optional().openapi({ description: "The cabin for flightId or itineraryId (default economy)" }),
    passengers: z
      .array(z.object({ name: z.string().trim().min(1).max(100).openapi({ example: "Asha Rao" }), seat: SeatLabel.optional() }))
      .min(1, { error: "must name 1 to 9 passengers" })
      .max(9, { error: "must name 1 to 9 passengers" }),
  })
  .superRefine((b, ctx) => {
    const forms = [b.flightId, b.itineraryId, b.flights].filter((f) => f !== undefined).length;
    if (forms !== 1) ctx.addIssue({ code: "custom", path: [], message: "must name exactly one of flightId, itineraryId and flights" });
    if (b.flights && b.cabin) ctx.addIssue({ code: "custom", path: ["cabin"], message: "goes on each of flights with the flights form" });
    const chosen = b.passengers.some((p) => p.seat);
    if (chosen && (b.flights || b.itineraryId)) {
      ctx.addIssue({ code: "custom", path: ["passengers"], message: "choose seats per flight (flights[].seats) when booking several flights" });
    }
    const once = (labels: (string | undefined)[], path: (i: number) => (string | number)[]) => {
      const seen = new Set<string>();
      labels.forEach((seat, i) => {
        if (!seat) return;
        if (seen.has(seat)) ctx.addIssue({ code: "custom", path: path(i), message: `${seat} is chosen twice` });
        seen.add(seat);
      });
    };
    once(b.passengers.map((p) => p.seat), (i) => ["passengers", i, "seat"]);
    b.flights?.forEach((f, leg) => {
      if ((f.seats?.length ?? 0) > b.passengers.length) {
        ctx.addIssue({ code: "custom", path: ["flights", leg, "seats"], message: "must not name more seats than passengers" });
      }
      once(f.seats ?? [], (i) => ["flights", leg, "seats", i]);
      if (b.flights!.findIndex((other) => other.flightId === f.flightId) !== leg) {
        ctx.addIssue({ code: "custom", path: ["flights", leg, "flightId"], message: "names a flight twice" });
      }
    });
  });
export type BookingRequest = z.output<typeof NewBooking>;

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
    flightId: z.uuid().openapi({ description: "The first flight (flights lists them all)" }),
    seats: z.array(z.string()).openapi({ description: "Seats on the first flight" }),
    passengers: z.array(z.object({ name: z.string(), seat: z.string() })).openapi({ description: "With their seats on the first flight" }),
    flights: z.array(
      z.object({
        flightId: z.uuid(),
        cabin: CabinName,
        fare: Money.openapi({ description: "Per passenger" }),
        seats: z.array(z.string()),
        passengers: z.array(z.object({ name: z.string(), seat: z.string() })),
      }),
    ),
    totalAmount: Money,
    holdExpiresAt: z.string(),
    createdAt: z.string(),
    paymentId: z.uuid().nullable(),
    changes: z
      .array(BookingChange)
      .openapi({ description: "Significant changes of the flight by the airline, with the customer's choice" }),
    refunds: z
      .array(
        z.object({
          id: z.uuid(),
          amount: Money,
          status: z.enum(refundStatus.enumValues).openapi({ description: "requested → (pending →) succeeded, or failed (retried by the Cron Trigger)" }),
          createdAt: z.string(),
        }),
      )
      .openapi({ description: "Money returned for this booking, oldest first, with the processor's status" }),
  })
  .openapi("Booking");
export type BookingView = z.output<typeof Booking>;

export const PaymentResult = z
  .object({ bookingId: z.uuid(), status: z.literal("confirmed"), paymentId: z.uuid() })
  .openapi("PaymentResult");

export const PaymentStarted = z
  .object({
    bookingId: z.uuid(),
    status: z.literal("held").openapi({ description: "The booking stays held until the processor's webhook confirms the payment" }),
    paymentIntentId: z.string(),
    clientSecret: z.string().openapi({ description: "For the client to confirm the PaymentIntent with Stripe.js" }),
    paymentStatus: z.string().openapi({ description: "The PaymentIntent's status (requires_payment_method, processing, succeeded, …)" }),
    holdExpiresAt: z.string().openapi({ description: "The hold's deadline, extended by the first payment attempt" }),
  })
  .openapi("PaymentStarted");

export const WebhookReceipt = z
  .object({ received: z.literal(true), outcome: z.string() })
  .openapi("WebhookReceipt");

export const Cancellation = z.object({ id: z.uuid(), status: z.literal("cancelled") }).openapi("Cancellation");

/** An admin's change of a flight: PATCH /flights/{id}. Route and airplane are fixed. */
export const FlightChanges = z
  .object({
    departureTime: Instant.optional(),
    arrivalTime: Instant.optional(),
    prices: Prices.optional().openapi({ description: "New fares of these cabins (in the flight's currency); other cabins keep theirs" }),
    price: Money.optional().openapi({ description: "The new economy fare (what `prices: {economy}` says)" }),
    boardingGate: z.string().trim().min(1).max(10).nullable().optional(),
    status: FlightStatus.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Object.keys(c).length === 0) ctx.addIssue({ code: "custom", path: [], message: "must change at least one field" });
    faresOf(c, ctx);
  });
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

// Partner webhooks (workers/booking/domain/webhooks.ts).

export const NewWebhook = z
  .object({
    url: z
      .string()
      .trim()
      .max(2048)
      .openapi({ example: "https://partner.example/hooks/airline", description: "https in production; its host must resolve to public addresses" }),
    eventTypes: z
      .array(z.enum(WEBHOOK_EVENT_FILTERS, { error: `must be one of ${WEBHOOK_EVENT_FILTERS.join(", ")}` }))
      .min(1)
      .max(WEBHOOK_EVENT_FILTERS.length)
      .default(["*"])
      .openapi({ description: "Event types to receive; `*` (the default) is all of them, including types added later" }),
    description: z.string().trim().max(500).optional(),
  })
  .openapi("NewWebhook");

export const Webhook = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    createdAt: z.string(),
    enabled: z.boolean(),
    disabledAt: z.string().nullable(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number().int(),
  })
  .openapi("Webhook");

export const CreatedWebhook = Webhook.extend({
  secret: z.string().openapi({ description: "Signs every delivery (Webhook-Signature). Shown this once: store it." }),
}).openapi("CreatedWebhook");

export const WebhookDelivery = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    eventType: z.string(),
    state: z.enum(webhookDeliveryState.enumValues),
    attempts: z.number().int().openapi({ description: "Attempts since the delivery was created or last redelivered" }),
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable().openapi({ description: "When the next attempt is due (pending only)" }),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().openapi({ description: "The endpoint's HTTP status (null: no answer)" }),
    lastError: z.string().nullable(),
    lastDurationMs: z.number().int().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryParams = z.object({
  id: z.uuid({ error: "must be a UUID" }),
  deliveryId: z.uuid({ error: "must be a UUID" }),
});
