import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { listCities } from "../domain/catalog";
import type { SearchApp } from "../env";
import { City } from "../schemas";
import { catalogCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/cities",
  tags: ["Catalog"],
  summary: "List cities",
  middleware: catalogCache,
  request: { query: ListQuery },
  responses: { 200: listResponse(City, "Cities"), ...errorResponses(400) },
});

export function registerListCities(app: SearchApp) {
  app.openapi(route, async (c) => c.json(await listCities(c.var.db, c.req.valid("query")), 200));
}
