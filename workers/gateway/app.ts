import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { parseConfig } from "../../shared/config";
import { installConventions } from "../../shared/http/app";
import { GatewayConfigSchema } from "./config";
import { registerDocs } from "./docs/page";
import { edgeAuth } from "./edge-auth";
import type { GatewayApp, GatewayEnv } from "./env";
import { registerHealth } from "./health";
import { apiRateLimit, strictRateLimit } from "./limits";
import { forwardTo } from "./proxy";
import { publicApiDocument, upstreamRoutes } from "./routes";

/**
 * The gateway: request ids, CORS, secure headers, rate limits and edge token checks in front of
 * the workers, which it reaches through service bindings (HTTP forwarders on Node). It routes each
 * operation of the public API document to the worker that defines it; anything else is a 404 here.
 */
export function createGatewayApp(): GatewayApp {
  const app = new Hono<GatewayEnv>();
  installConventions(app, "gateway", (c) => parseConfig(GatewayConfigSchema, c.env as object).MAX_BODY_BYTES);
  app.use(async (c, next) => {
    c.set("config", parseConfig(GatewayConfigSchema, c.env));
    await next();
  });
  app.use((c, next) => {
    const origins = c.var.config.CORS_ORIGINS;
    return cors({
      origin: origins === "*" ? "*" : origins.split(",").map((o) => o.trim()),
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
      exposeHeaders: ["X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "ETag"],
      maxAge: 600,
    })(c, next);
  });
  app.use(secureHeaders());
  app.use(apiRateLimit);

  registerHealth(app);
  registerDocs(app);
  app.get("/openapi.json", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(publicApiDocument);
  });
  for (const route of upstreamRoutes) {
    const checks: MiddlewareHandler<GatewayEnv>[] = [];
    if (route.strictLimit) checks.push(strictRateLimit(route.strictLimit));
    if (route.signedIn) checks.push(edgeAuth);
    app.on(route.method, [route.path], ...checks, forwardTo(route.upstream));
  }
  return app;
}
