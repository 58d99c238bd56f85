import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import type { SearchApp } from "../app";
import { changeFlight, deleteFlight, findFlight } from "../domain/flights";
import { IdParam } from "../../../shared/schemas";
import { Flight, FlightChanges } from "../schemas";
import { searchCache } from "./cache";

const get = createRoute({
  method: "get",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "A flight with its duration and the seats available now",
  middleware: searchCache,
  request: { params: IdParam },
  responses: { 200: dataResponse(Flight, "The flight"), ...errorResponses(400, 404) },
});

const patch = createRoute({
  method: "patch",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "Reschedule, reprice, change the gate or status of a flight (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { params: IdParam, body: jsonBody(FlightChanges) },
  responses: { 200: dataResponse(Flight, "The changed flight"), ...errorResponses(400, 401, 403, 404) },
});

const remove = createRoute({
  method: "delete",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "Delete a flight without bookings (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerFlightRoutes(app: SearchApp) {
  app.openapi(get, async (c) => c.json({ data: await findFlight(c.var.db, c.req.valid("param").id) }, 200));
  app.openapi(patch, async (c) =>
    c.json({ data: await changeFlight(c.var.db, c.req.valid("param").id, c.req.valid("json")) }, 200),
  );
  app.openapi(remove, async (c) => {
    await deleteFlight(c.var.db, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
