import { createRoute } from "@hono/zod-openapi";
import { dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { seatMap } from "../domain/seat-map";
import type { SearchApp } from "../env";
import { SeatMap } from "../schemas";
import { searchCache } from "./cache";

const route = createRoute({
  method: "get",
  path: "/api/v1/flights/{id}/seats",
  tags: ["Flights"],
  summary: "The seat map, by cabin and row",
  middleware: searchCache,
  request: { params: IdParam },
  responses: { 200: dataResponse(SeatMap, "Seats and whether each can be booked now"), ...errorResponses(400, 404) },
});

export function registerGetSeatMap(app: SearchApp) {
  app.openapi(route, async (c) => c.json({ data: await seatMap(c.var.db, c.req.valid("param").id) }, 200));
}
