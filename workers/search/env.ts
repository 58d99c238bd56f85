import type { OpenAPIHono } from "@hono/zod-openapi";
import type { WorkerVariables } from "../../shared/http/services";
import type { SearchConfig } from "./config";

export interface SearchEnv {
  Bindings: Record<string, unknown>;
  Variables: WorkerVariables<SearchConfig>;
}

export type SearchApp = OpenAPIHono<SearchEnv>;
