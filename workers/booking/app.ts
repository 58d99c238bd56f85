import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "../../db/client";
import { verifierFromConfig } from "../../shared/auth/config";
import type { AuthVariables } from "../../shared/auth/middleware";
import { type BaseVariables, createWorkerApp } from "../../shared/http/app";
import { provideServices } from "../../shared/http/services";
import { databaseHealth } from "../../shared/http/health";
import { type BookingConfig, BookingConfigSchema } from "./config";
import { approveAllProvider, type PaymentProvider } from "./domain/payment-provider";
import { registerBookingRoutes } from "./routes/bookings";
import { registerCancelRoute } from "./routes/cancel";
import { registerPaymentRoute } from "./routes/payments";

export interface BookingEnv {
  Bindings: Record<string, unknown>;
  Variables: BaseVariables & AuthVariables & { config: BookingConfig; db: Database; payments: PaymentProvider };
}

export type BookingApp = OpenAPIHono<BookingEnv>;

export function createBookingApp(): BookingApp {
  const app = createWorkerApp<BookingEnv>("booking");
  app.use(provideServices(BookingConfigSchema, verifierFromConfig));
  app.use(async (c, next) => {
    c.set("payments", approveAllProvider);
    await next();
  });
  for (const register of [registerBookingRoutes, registerPaymentRoute, registerCancelRoute]) register(app);
  app.get("/health", databaseHealth);
  return app;
}
