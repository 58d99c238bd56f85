import type { OpenAPIHono } from "@hono/zod-openapi";
import { parseConfig } from "../../shared/config";
import { type BaseVariables, createWorkerApp } from "../../shared/http/app";
import { type GatewayConfig, GatewayConfigSchema, upstreams } from "./config";
import { registerHealth } from "./health";
import { forwardTo } from "./proxy";

export interface GatewayEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & { config: GatewayConfig };
}

export type GatewayApp = OpenAPIHono<GatewayEnv>;

export function createGatewayApp(): GatewayApp {
  const app = createWorkerApp<GatewayEnv>("gateway");
  app.use(async (c, next) => {
    c.set("config", parseConfig(GatewayConfigSchema, c.env));
    await next();
  });
  registerHealth(app);
  for (const upstream of upstreams) {
    for (const prefix of upstream.prefixes) {
      app.all(prefix, forwardTo(upstream));
      app.all(`${prefix}/*`, forwardTo(upstream));
    }
  }
  return app;
}
