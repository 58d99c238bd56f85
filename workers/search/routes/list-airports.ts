import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { listAirports } from "../domain/catalog";
import type { SearchApp } from "../env";
import { Airport } from "../schemas";
import { catalogCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/airports",
  tags: ["Catalog"],
  summary: "List airports by code",
  middleware: catalogCache,
  request: { query: ListQuery },
  responses: { 200: listResponse(Airport, "Airports"), ...errorResponses(400) },
});

export function registerListAirports(app: SearchApp) {
  app.openapi(route, async (c) => c.json(await listAirports(c.var.db, c.req.valid("query")), 200));
}
