import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { scheduleFlight } from "../domain/flights";
import type { SearchApp } from "../env";
import { Flight, NewFlight } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/flights",
  tags: ["Flights"],
  summary: "Schedule a flight and create its seats (admin)",
  ...adminOnly,
  request: { body: jsonBody(NewFlight) },
  responses: { 201: dataResponse(Flight, "The new flight"), ...errorResponses(400, 401, 403, 404) },
});

export function registerCreateFlight(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await scheduleFlight(c.var.db, c.req.valid("json")) }, 201));
}
