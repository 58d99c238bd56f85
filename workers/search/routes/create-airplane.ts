import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { addAirplane } from "../domain/catalog";
import type { SearchApp } from "../env";
import { Airplane, NewAirplane } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/airplanes",
  tags: ["Catalog"],
  summary: "Add an airplane type with its cabin layout (admin)",
  ...adminOnly,
  request: { body: jsonBody(NewAirplane) },
  responses: { 201: dataResponse(Airplane, "The new airplane; capacity follows from the cabins"), ...errorResponses(400, 401, 403) },
});

export function registerCreateAirplane(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await addAirplane(c.var.db, c.req.valid("json")) }, 201));
}
