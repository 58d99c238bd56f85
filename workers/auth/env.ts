import type { OpenAPIHono } from "@hono/zod-openapi";
import type { WorkerVariables } from "../../shared/http/services";
import type { AuthConfig } from "./config";

export interface AuthEnv {
  Bindings: Record<string, unknown>;
  Variables: WorkerVariables<AuthConfig>;
}

export type AuthApp = OpenAPIHono<AuthEnv>;
