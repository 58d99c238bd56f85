import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { findFlightChange } from "../domain/flight-changes";
import type { BookingApp } from "../env";
import { FlightChange } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/flight-changes/{id}",
  tags: ["Flights"],
  summary: "One airline change and the progress of its cascade over the bookings (admin)",
  ...adminOnly,
  request: { params: IdParam },
  responses: { 200: dataResponse(FlightChange, "The change"), ...errorResponses(400, 401, 403, 404) },
});

export function registerGetFlightChange(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ data: await findFlightChange(c.var.db, c.req.valid("param").id) }, 200);
  });
}
