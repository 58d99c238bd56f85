import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { IdParam } from "../../../shared/schemas";
import { flightManifest } from "../domain/bookings";
import type { BookingApp } from "../env";
import { ManifestEntry } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/flights/{id}/manifest",
  tags: ["Flights"],
  summary: "The passenger manifest of a flight: bookings, customers, passengers, seats, statuses (admin)",
  ...adminOnly,
  request: { params: IdParam, query: ListQuery },
  responses: { 200: listResponse(ManifestEntry, "Bookings of the flight"), ...errorResponses(400, 401, 403, 404) },
});

export function registerGetFlightManifest(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(await flightManifest(c.var.db, c.req.valid("param").id, c.req.valid("query")), 200);
  });
}
