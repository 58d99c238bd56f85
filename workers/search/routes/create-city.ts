import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { addCity } from "../domain/catalog";
import type { SearchApp } from "../env";
import { City, NewCity } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/cities",
  tags: ["Catalog"],
  summary: "Add a city (admin)",
  ...adminOnly,
  request: { body: jsonBody(NewCity) },
  responses: { 201: dataResponse(City, "The new city"), ...errorResponses(400, 401, 403, 409) },
});

export function registerCreateCity(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await addCity(c.var.db, c.req.valid("json")) }, 201));
}
