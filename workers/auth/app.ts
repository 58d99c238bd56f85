import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "../../db/client";
import type { AuthVariables } from "../../shared/auth/middleware";
import { type BaseVariables, createWorkerApp } from "../../shared/http/app";
import { provideServices } from "../../shared/http/services";
import { type AuthConfig, AuthConfigSchema } from "./config";
import { accessTokenVerifier } from "./domain/access-tokens";
import { databaseHealth } from "../../shared/http/health";
import { registerJwks } from "./routes/jwks";
import { registerLogin } from "./routes/login";
import { registerLogout } from "./routes/logout";
import { registerMe } from "./routes/me";
import { registerRefresh } from "./routes/refresh";
import { registerRoleRoutes } from "./routes/roles";
import { registerSignup } from "./routes/signup";

export interface AuthEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & AuthVariables & { config: AuthConfig; db: Database };
}

export type AuthApp = OpenAPIHono<AuthEnv>;

export function createAuthApp(): AuthApp {
  const app = createWorkerApp<AuthEnv>("auth");

  app.use(provideServices(AuthConfigSchema, accessTokenVerifier));

  for (const register of [
    registerSignup,
    registerLogin,
    registerRefresh,
    registerLogout,
    registerMe,
    registerRoleRoutes,
    registerJwks,
  ]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
