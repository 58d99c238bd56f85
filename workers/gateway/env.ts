import type { Hono } from "hono";
import type { BaseVariables } from "../../shared/http/app";
import type { GatewayConfig } from "./config";

export interface GatewayEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & { config: GatewayConfig };
}

export type GatewayApp = Hono<GatewayEnv>;
