import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "../../db/client";
import { verifierFromConfig } from "../../shared/auth/config";
import type { AuthVariables } from "../../shared/auth/middleware";
import { type BaseVariables, createWorkerApp } from "../../shared/http/app";
import { provideServices } from "../../shared/http/services";
import { type SearchConfig, SearchConfigSchema } from "./config";
import { registerAirplaneRoutes } from "./routes/airplanes";
import { registerAirportRoutes } from "./routes/airports";
import { registerCityRoutes } from "./routes/cities";
import { registerFlightRoutes } from "./routes/flight";
import { registerFlightCollectionRoutes } from "./routes/flights";
import { databaseHealth } from "../../shared/http/health";
import { registerItineraryRoutes } from "./routes/itineraries";
import { registerSeatMapRoute } from "./routes/seats";

export interface SearchEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & AuthVariables & { config: SearchConfig; db: Database };
}

export type SearchApp = OpenAPIHono<SearchEnv>;

export function createSearchApp(): SearchApp {
  const app = createWorkerApp<SearchEnv>("search");
  app.use(provideServices(SearchConfigSchema, verifierFromConfig));
  for (const register of [
    registerCityRoutes,
    registerAirportRoutes,
    registerAirplaneRoutes,
    registerFlightCollectionRoutes,
    registerSeatMapRoute,
    registerFlightRoutes,
    registerItineraryRoutes,
  ]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
