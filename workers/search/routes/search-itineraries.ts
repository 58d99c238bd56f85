import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import { searchItineraries } from "../domain/itineraries";
import type { SearchApp } from "../env";
import { Itinerary, ItineraryQuery } from "../schemas";
import { searchCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/itineraries",
  tags: ["Flights"],
  summary: "Direct flights and one-stop connections",
  description:
    "Connections change planes at one airport, 45 minutes to 12 hours after landing (same day or overnight), with " +
    "seats for every passenger on both legs and both legs in one currency. Sorted like the flight search.",
  middleware: searchCache,
  request: { query: ItineraryQuery },
  responses: { 200: listResponse(Itinerary, "Itineraries"), ...errorResponses(400) },
});

export function registerSearchItineraries(app: SearchApp) {
  app.openapi(route, async (c) => c.json(await searchItineraries(c.var.db, c.req.valid("query")), 200));
}
