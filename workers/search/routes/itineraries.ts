import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import type { SearchApp } from "../app";
import { searchItineraries } from "../domain/itineraries";
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

export function registerItineraryRoutes(app: SearchApp) {
  app.openapi(route, async (c) => {
    const page = await searchItineraries(c.var.db, c.req.valid("query"));
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
}
