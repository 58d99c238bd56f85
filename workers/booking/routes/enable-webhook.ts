import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { enableWebhook } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { Webhook } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/enable",
  tags: ["Webhooks"],
  summary: "Enable an endpoint that was disabled after a long run of failures (admin)",
  ...adminOnly,
  request: { params: IdParam },
  responses: { 200: dataResponse(Webhook, "The endpoint, enabled"), ...errorResponses(400, 401, 403, 404) },
});

export function registerEnableWebhook(app: BookingApp) {
  app.openapi(route, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ data: await enableWebhook(c.var.db, c.req.valid("param").id) }, 200);
  });
}
