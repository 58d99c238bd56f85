import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { addAirport } from "../domain/catalog";
import type { SearchApp } from "../env";
import { Airport, NewAirport } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/airports",
  tags: ["Catalog"],
  summary: "Add an airport (admin)",
  ...adminOnly,
  request: { body: jsonBody(NewAirport) },
  responses: { 201: dataResponse(Airport, "The new airport"), ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerCreateAirport(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await addAirport(c.var.db, c.req.valid("json")) }, 201));
}
