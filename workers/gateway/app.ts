import type { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { parseConfig } from "../../shared/config";
import { type BaseVariables, createWorkerApp } from "../../shared/http/app";
import { type GatewayConfig, GatewayConfigSchema, upstreams } from "./config";
import { registerDocs } from "./docs/page";
import { edgeAuth } from "./edge-auth";
import { registerHealth } from "./health";
import { rateLimits } from "./limits";
import { publicApiDocument } from "./openapi";
import { forwardTo } from "./proxy";

export interface GatewayEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & { config: GatewayConfig };
}

export type GatewayApp = OpenAPIHono<GatewayEnv>;

export function createGatewayApp(): GatewayApp {
  const app = createWorkerApp<GatewayEnv>("gateway", (c) => parseConfig(GatewayConfigSchema, c.env as object).MAX_BODY_BYTES);
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
  app.use(rateLimits);
  app.use(edgeAuth);

  registerHealth(app);
  registerDocs(app);
  app.get("/openapi.json", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(publicApiDocument());
  });
  for (const upstream of upstreams) {
    for (const prefix of upstream.prefixes) {
      app.all(prefix, forwardTo(upstream));
      app.all(`${prefix}/*`, forwardTo(upstream));
    }
  }
  return app;
}
