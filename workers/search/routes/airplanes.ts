import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../../shared/auth/middleware";
import { bearerAuth, dataResponse, errorResponses, jsonBody, listResponse } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/pagination";
import type { SearchApp } from "../app";
import { addAirplane, listAirplanes } from "../domain/catalog";
import { Airplane, NewAirplane } from "../schemas";
import { catalogCache } from "./cache";

const create = createRoute({
  method: "post",
  path: "/api/v1/airplanes",
  tags: ["Catalog"],
  summary: "Add an airplane type with its cabin layout (admin)",
  security: bearerAuth,
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(NewAirplane) },
  responses: { 201: dataResponse(Airplane, "The new airplane; capacity follows from the cabins"), ...errorResponses(400, 401, 403) },
});

const list = createRoute({
  method: "get",
  path: "/api/v1/airplanes",
  tags: ["Catalog"],
  summary: "List airplanes",
  middleware: catalogCache,
  request: { query: z.object(PageQuery) },
  responses: { 200: listResponse(Airplane, "Airplanes"), ...errorResponses(400) },
});

export function registerAirplaneRoutes(app: SearchApp) {
  app.openapi(create, async (c) => c.json({ data: await addAirplane(c.var.db, c.req.valid("json")) }, 201));
  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listAirplanes(c.var.db, limit, cursor);
    return c.json({ data: page.items, page: { next: page.next } }, 200);
  });
}
