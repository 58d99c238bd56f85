import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody, listResponse } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/pagination";
import type { SearchApp } from "../app";
import { addAirport, listAirports } from "../domain/catalog";
import { Airport, NewAirport } from "../schemas";
import { catalogCache } from "./cache";

const create = createRoute({
  method: "post",
  path: "/api/v1/airports",
  tags: ["Catalog"],
  summary: "Add an airport (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(NewAirport) },
  responses: { 201: dataResponse(Airport, "The new airport"), ...errorResponses(400, 401, 403, 404, 409) },
});

const list = createRoute({
  method: "get",
  path: "/api/v1/airports",
  tags: ["Catalog"],
  summary: "List airports by code",
  middleware: catalogCache,
  request: { query: z.object(PageQuery) },
  responses: { 200: listResponse(Airport, "Airports"), ...errorResponses(400) },
});

export function registerAirportRoutes(app: SearchApp) {
  app.openapi(create, async (c) => c.json({ data: await addAirport(c.var.db, c.req.valid("json")) }, 201));
  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listAirports(c.var.db, limit, cursor);
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
}
