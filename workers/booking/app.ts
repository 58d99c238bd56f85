import { verifierFromConfig } from "../../shared/auth/config";
import { createWorkerApp } from "../../shared/http/openapi";
import { databaseHealth } from "../../shared/http/health";
import { provideServices } from "../../shared/http/services";
import { BookingConfigSchema } from "./config";
import { approveAllProvider } from "./domain/payment-provider";
import type { BookingApp, BookingEnv } from "./env";
import { registerCancelBooking } from "./routes/cancel-booking";
import { registerCreateBooking } from "./routes/create-booking";
import { registerGetBooking } from "./routes/get-booking";
import { registerListBookings } from "./routes/list-bookings";
import { registerPayBooking } from "./routes/pay-booking";

/** The booking worker: seat holds, payments and cancellation (its Cron Trigger is in index.ts). */
export function createBookingApp(): BookingApp {
  const app = createWorkerApp<BookingEnv>("booking");
  app.use(provideServices(BookingConfigSchema, verifierFromConfig));
  app.use(async (c, next) => {
    c.set("payments", approveAllProvider);
    await next();
  });
  for (const register of [registerCreateBooking, registerListBookings, registerGetBooking, registerPayBooking, registerCancelBooking]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
