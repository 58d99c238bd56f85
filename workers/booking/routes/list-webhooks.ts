import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses, listResponse } from "../../../shared/http/openapi";
import { ListQuery } from "../../../shared/pagination";
import { listWebhooks } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { Webhook } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks",
  tags: ["Webhooks"],
  summary: "Partner endpoints, newest first (admin; secrets are never shown again)",
  ...adminOnly,
  request: { query: ListQuery },
  responses: { 200: listResponse(Webhook, "Endpoints"), ...errorResponses(400, 401, 403) },
});

export function registerListWebhooks(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await listWebhooks(c.var.db, c.req.valid("query")), 200);
  });
}
