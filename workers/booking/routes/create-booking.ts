import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, answerOnce } from "../../../shared/http/idempotency";
import { dataResponse, errorResponses, jsonBody, signedIn } from "../../../shared/http/openapi";
import { holdRequestOf, holdSeats } from "../domain/holds";
import type { BookingApp } from "../env";
import { Booking, NewBooking } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/bookings",
  tags: ["Bookings"],
  summary: "Hold seats for 1 to 9 passengers on one flight, or on up to 4 as one booking",
  description:
    "One flight (`flightId`), an itinerary (`itineraryId` from GET /itineraries) or a journey of up to 4 flights (`flights`, " +
    "a connection or a return trip), each in a cabin (default economy). Every passenger gets a seat on every flight, all or " +
    "nothing: chosen seats that are taken, or a flight without enough free seats in the cabin, fail the whole request with " +
    "409 SEATS_UNAVAILABLE naming the flight. Other seats are assigned, side by side when possible. The hold lasts " +
    "HOLD_MINUTES (default 15), never past the first departure. Accepts Idempotency-Key.",
  ...signedIn,
  request: { headers: IdempotencyHeader, body: jsonBody(NewBooking) },
  responses: { 201: dataResponse(Booking, "The held booking"), ...errorResponses(400, 401, 404, 409) },
});

export function registerCreateBooking(app: BookingApp) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    return answerOnce(c, 201, body, (db) => holdSeats(db, c.var.principal.userId, holdRequestOf(body), c.var.config.HOLD_MINUTES));
  });
}
