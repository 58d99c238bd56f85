import { verifierFromConfig } from "../../shared/auth/config";
import { createWorkerApp } from "../../shared/http/openapi";
import { databaseHealth } from "../../shared/http/health";
import { provideServices } from "../../shared/http/services";
import { SearchConfigSchema } from "./config";
import type { SearchApp, SearchEnv } from "./env";
import { registerCreateAirplane } from "./routes/create-airplane";
import { registerCreateAirport } from "./routes/create-airport";
import { registerCreateCity } from "./routes/create-city";
import { registerCreateFlight } from "./routes/create-flight";
import { registerDeleteFlight } from "./routes/delete-flight";
import { registerGetFlight } from "./routes/get-flight";
import { registerGetSeatMap } from "./routes/get-seat-map";
import { registerListAirplanes } from "./routes/list-airplanes";
import { registerListAirports } from "./routes/list-airports";
import { registerListCities } from "./routes/list-cities";
import { registerSearchFlights } from "./routes/search-flights";
import { registerSearchItineraries } from "./routes/search-itineraries";

/** The search worker: the flight catalog (admin writes) and look-to-book reads. */
export function createSearchApp(): SearchApp {
  const app = createWorkerApp<SearchEnv>("search");
  app.use(provideServices(SearchConfigSchema, verifierFromConfig));
  for (const register of [
    registerCreateCity,
    registerListCities,
    registerCreateAirport,
    registerListAirports,
    registerCreateAirplane,
    registerListAirplanes,
    registerCreateFlight,
    registerSearchFlights,
    registerGetFlight,
    registerDeleteFlight,
    registerGetSeatMap,
    registerSearchItineraries,
  ]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
