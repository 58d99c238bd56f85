import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { findFlight } from "../../../shared/flights";
import type { SearchApp } from "../env";
import { Flight } from "../schemas";
import { searchCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/flights/{id}",
  tags: ["Flights"],
  summary: "A flight with its duration and the seats available now",
  middleware: searchCache,
  request: { params: IdParam },
  responses: { 200: dataResponse(Flight, "The flight"), ...errorResponses(400, 404) },
});

export function registerGetFlight(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await findFlight(c.var.db, c.req.valid("param").id) }, 200));
}
