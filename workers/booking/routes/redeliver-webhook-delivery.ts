import { createRoute } from "@hono/zod-openapi";
import { adminOnly, dataResponse, errorResponses } from "../../../shared/http/openapi";
import { redeliver } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { WebhookDelivery, WebhookDeliveryParams } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
  tags: ["Webhooks"],
  summary: "Send a delivery again now, delivered or given up alike; retried with back-off if it fails (admin)",
  ...adminOnly,
  request: { params: WebhookDeliveryParams },
  responses: { 202: dataResponse(WebhookDelivery, "Scheduled"), ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerRedeliverWebhookDelivery(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    c.header("Cache-Control", "no-store");
    return c.json({ data: await redeliver(c.var.db, id, deliveryId) }, 202);
  });
}
