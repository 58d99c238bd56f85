import { createRoute } from "@hono/zod-openapi";
import { inBackground } from "../../../shared/http/background";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { Flight, IdParam } from "../../../shared/schemas";
import { cascadeCancellation, changeFlight } from "../domain/flight-changes";
import { refundProviders } from "../domain/payment-provider";
import { issueDueRefunds } from "../domain/refunds";
import type { BookingApp } from "../env";
import { FlightChange, FlightChanges } from "../schemas";

const ChangedFlight = Flight.extend({
  change: FlightChange.pick({ id: true, kind: true, before: true, after: true, significant: true, bookingsAffected: true })
    .nullable()
    .openapi({ description: "The change as recorded and announced to the flight's bookings (null for a price change)" }),
}).openapi("ChangedFlight");

const route = createRoute({
  method: "patch",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "Reschedule, delay, cancel, change the gate or the price of a flight (admin)",
  description:
    "A change of times, status or gate is recorded (GET /flight-changes/{id}) and announced once to every live booking. " +
    "A cancellation answers at once; its bookings are then cancelled and refunded in batches (follow bookingsProcessed).",
  ...adminOnly,
  request: { params: IdParam, body: jsonBody(FlightChanges) },
  responses: { 200: dataResponse(ChangedFlight, "The changed flight, and the change"), ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerUpdateFlight(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { db, principal, config } = c.var;
    const { flight, change } = await changeFlight(db, principal, c.req.valid("param").id, c.req.valid("json"), config.SCHEDULE_CHANGE_MINUTES);
    if (change?.kind === "cancelled") {
      // The cascade records a refund per paid booking; the processor is asked once it has run.
      const refunds = refundProviders(c.var.payments);
      inBackground(
        c,
        "cancel the flight's bookings",
        cascadeCancellation(db, change.id, config.FLIGHT_CANCEL_BATCH_SIZE).then(() => issueDueRefunds(db, refunds)),
      );
      c.header("Location", `/api/v1/flight-changes/${change.id}`);
    }
    c.header("Cache-Control", "no-store");
    return c.json({ data: { ...flight, change } }, 200);
  });
}
