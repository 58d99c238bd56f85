import { createRoute } from "@hono/zod-openapi";
import { adminOnly, errorResponses } from "../../../shared/http/openapi";
import { IdParam } from "../../../shared/schemas";
import { deleteWebhook } from "../domain/webhooks";
import type { BookingApp } from "../env";

const route = createRoute({
  method: "delete",
  path: "/api/v1/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "Remove a partner endpoint and its delivery log; nothing more is sent to it (admin)",
  ...adminOnly,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
});

export function registerDeleteWebhook(app: BookingApp) {
  app.openapi(route, async (c) => {
    await deleteWebhook(c.var.db, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
