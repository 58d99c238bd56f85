import { createRoute } from "@hono/zod-openapi";
import { errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { listAirplanes } from "../domain/catalog";
import type { SearchApp } from "../env";
import { Airplane } from "../schemas";
import { catalogCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/airplanes",
  tags: ["Catalog"],
  summary: "List airplanes",
  middleware: catalogCache,
  request: { query: ListQuery },
  responses: { 200: listResponse(Airplane, "Airplanes"), ...errorResponses(400) },
});

export function registerListAirplanes(app: SearchApp) {
  app.openapi(route, async (c) => c.json(await listAirplanes(c.var.db, c.req.valid("query")), 200));
}
