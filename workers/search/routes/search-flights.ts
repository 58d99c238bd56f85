import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import { searchFlights } from "../domain/flight-search";
import type { SearchApp } from "../env";
import { Flight, FlightSearchQuery } from "../schemas";
import { searchCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/flights",
  tags: ["Flights"],
  summary: "Search flights",
  description:
    "`date`, `departAfter` and `departBefore` are in the departure airport's local time. `sort` is a comma list of " +
    "price, departureTime, arrivalTime, duration, each optionally prefixed with - (default departureTime). " +
    "Flights with fewer available seats than `passengers` are never listed.",
  middleware: searchCache,
  request: { query: FlightSearchQuery },
  responses: { 200: listResponse(Flight, "Flights"), ...errorResponses(400) },
});

export function registerSearchFlights(app: SearchApp) {
  app.openapi(route, async (c) => c.json(await searchFlights(c.var.db, c.req.valid("query")), 200));
}
