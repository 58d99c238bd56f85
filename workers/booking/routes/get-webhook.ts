import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { findWebhook } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { Webhook } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "One partner endpoint: whether it is enabled, and its current run of failures (admin)",
  ...adminOnly,
  request: { params: IdParam },
  responses: { 200: dataResponse(Webhook, "The endpoint"), ...errorResponses(400, 401, 403, 404) },
});

export function registerGetWebhook(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ data: await findWebhook(c.var.db, c.req.valid("param").id) }, 200);
  });
}
