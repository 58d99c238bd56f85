import { createWorkerApp } from "../../shared/http/openapi";
import { databaseHealth } from "../../shared/http/health";
import { provideServices } from "../../shared/http/services";
import { AuthConfigSchema } from "./config";
import { accessTokenVerifier } from "./domain/access-tokens";
import type { AuthApp, AuthEnv } from "./env";
import { registerGrantRole } from "./routes/grant-role";
import { registerJwks } from "./routes/jwks";
import { registerLogin } from "./routes/login";
import { registerLogout } from "./routes/logout";
import { registerMe } from "./routes/me";
import { registerRefresh } from "./routes/refresh";
import { registerRevokeRole } from "./routes/revoke-role";
import { registerSignup } from "./routes/signup";

/** The auth worker: accounts, sessions, roles, and the keys that verify access tokens. */
export function createAuthApp(): AuthApp {
  const app = createWorkerApp<AuthEnv>("auth");
  app.use(provideServices(AuthConfigSchema, accessTokenVerifier));
  for (const register of [registerSignup, registerLogin, registerRefresh, registerLogout, registerMe, registerGrantRole, registerRevokeRole, registerJwks]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
