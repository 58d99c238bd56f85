import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody, listResponse } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/pagination";
import type { SearchApp } from "../app";
import { addCity, listCities } from "../domain/catalog";
import { City, NewCity } from "../schemas";
import { catalogCache } from "./cache";

const create = createRoute({
  method: "post",
  path: "/api/v1/cities",
  tags: ["Catalog"],
  summary: "Add a city (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(NewCity) },
  responses: { 201: dataResponse(City, "The new city"), ...errorResponses(400, 401, 403, 409) },
});

const list = createRoute({
  method: "get",
  path: "/api/v1/cities",
  tags: ["Catalog"],
  summary: "List cities",
  middleware: catalogCache,
  request: { query: z.object(PageQuery) },
  responses: { 200: listResponse(City, "Cities"), ...errorResponses(400) },
});

export function registerCityRoutes(app: SearchApp) {
  app.openapi(create, async (c) => c.json({ data: await addCity(c.var.db, c.req.valid("json")) }, 201));
  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listCities(c.var.db, limit, cursor);
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
}
