import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody, listResponse } from "../../../shared/http/openapi";
import type { SearchApp } from "../app";
import { scheduleFlight } from "../domain/flights";
import { searchFlights } from "../domain/search";
import { Flight, FlightSearchQuery, NewFlight } from "../schemas";
import { searchCache } from "./cache";

const create = createRoute({
  method: "post",
  path: "/api/v1/flights",
  tags: ["Flights"],
  summary: "Schedule a flight and create its seats (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(NewFlight) },
  responses: { 201: dataResponse(Flight, "The new flight"), ...errorResponses(400, 401, 403, 404) },
});

const search = createRoute({
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

export function registerFlightCollectionRoutes(app: SearchApp) {
  app.openapi(create, async (c) => c.json({ data: await scheduleFlight(c.var.db, c.req.valid("json")) }, 201));
  app.openapi(search, async (c) => {
    const page = await searchFlights(c.var.db, c.req.valid("query"));
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
}
