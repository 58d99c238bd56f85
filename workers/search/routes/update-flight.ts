import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { changeFlight } from "../domain/flights";
import type { SearchApp } from "../env";
import { Flight, FlightChanges } from "../schemas";

const route = createRoute({
  method: "patch",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "Reschedule, reprice, change the gate or status of a flight (admin)",
  ...adminOnly,
  request: { params: IdParam, body: jsonBody(FlightChanges) },
  responses: { 200: dataResponse(Flight, "The changed flight"), ...errorResponses(400, 401, 403, 404) },
});

export function registerUpdateFlight(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await changeFlight(c.var.db, c.req.valid("param").id, c.req.valid("json")) }, 200));
}
