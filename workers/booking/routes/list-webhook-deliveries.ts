import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { IdParam } from "../../../shared/schemas";
import { listDeliveries } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { WebhookDelivery } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}/deliveries",
  tags: ["Webhooks"],
  summary: "An endpoint's delivery log, newest first: state, attempts and the last attempt's outcome (admin)",
  ...adminOnly,
  request: { params: IdParam, query: ListQuery },
  responses: { 200: listResponse(WebhookDelivery, "Deliveries"), ...errorResponses(400, 401, 403, 404) },
});

export function registerListWebhookDeliveries(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await listDeliveries(c.var.db, c.req.valid("param").id, c.req.valid("query")), 200);
  });
}
