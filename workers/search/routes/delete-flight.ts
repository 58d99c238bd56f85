import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { deleteFlight } from "../domain/flights";
import type { SearchApp } from "../env";

const route = createRoute({
  method: "delete",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "Delete a flight without bookings (admin)",
  ...adminOnly,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerDeleteFlight(app: SearchApp) {
  app.openapi(route, async (c) => {
    await deleteFlight(c.var.db, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
