import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { IdParam } from "../../../shared/schemas";
import { listFlightChanges } from "../domain/flight-changes";
import type { BookingApp } from "../env";
import { FlightChange } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/flights/{id}/changes",
  tags: ["Flights"],
  summary: "The airline's changes of a flight, newest first (admin)",
  ...adminOnly,
  request: { params: IdParam, query: ListQuery },
  responses: { 200: listResponse(FlightChange, "Changes"), ...errorResponses(400, 401, 403, 404) },
});

export function registerListFlightChanges(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await listFlightChanges(c.var.db, c.req.valid("param").id, c.req.valid("query")), 200);
  });
}
