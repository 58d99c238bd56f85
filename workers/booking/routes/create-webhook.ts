import { createRoute } from "@hono/zod-openapi";
import { isProduction } from "../../../shared/config";
import { adminOnly, dataResponse, errorResponses, jsonBody } from "../../../shared/http/openapi";
import { dnsOverHttps } from "../domain/webhook-url";
import { registerWebhook } from "../domain/webhooks";
import type { BookingApp } from "../env";
import { CreatedWebhook, NewWebhook } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks",
  tags: ["Webhooks"],
  summary: "Register a partner endpoint for booking and flight events (admin); its signing secret is shown once",
  description:
    "Every event of the chosen types is POSTed to the URL as JSON `{id, type, createdAt, data}`, signed with HMAC-SHA256 " +
    "(headers Webhook-Id, Webhook-Timestamp, Webhook-Signature; see the API notes), at least once, retried with back-off. " +
    "In production the URL must be https and its host must resolve only to public addresses.",
  ...adminOnly,
  request: { body: jsonBody(NewWebhook) },
  responses: { 201: dataResponse(CreatedWebhook, "The endpoint, with its secret"), ...errorResponses(400, 401, 403, 503) },
});

export function registerCreateWebhook(app: BookingApp) {
  app.openapi(route, async (c) => {
    const { db, config, principal } = c.var;
    const policy = { production: isProduction(config), resolve: dnsOverHttps(config.WEBHOOK_DNS_URL) };
    const webhook = await registerWebhook(db, principal.userId, c.req.valid("json"), policy);
    c.header("Cache-Control", "no-store");
    c.header("Location", `/api/v1/webhooks/${webhook.id}`);
    return c.json({ data: webhook }, 201);
  });
}
