import { verifierFromConfig } from "../../shared/auth/config";
import { createWorkerApp } from "../../shared/http/openapi";
import { databaseHealth } from "../../shared/http/health";
import { provideServices } from "../../shared/http/services";
import { BookingConfigSchema } from "./config";
import { paymentProviderFor } from "./domain/payment-provider";
import type { BookingApp, BookingEnv } from "./env";
import { registerAcceptBookingChange } from "./routes/accept-booking-change";
import { registerCancelBooking } from "./routes/cancel-booking";
import { registerCancelBookingChange } from "./routes/cancel-booking-change";
import { registerCreateBooking } from "./routes/create-booking";
import { registerGetBooking } from "./routes/get-booking";
import { registerGetFlightChange } from "./routes/get-flight-change";
import { registerGetFlightManifest } from "./routes/get-flight-manifest";
import { registerListBookings } from "./routes/list-bookings";
import { registerListFlightChanges } from "./routes/list-flight-changes";
import { registerPayBooking } from "./routes/pay-booking";
import { registerStripeWebhook } from "./routes/stripe-webhook";
import { registerUpdateFlight } from "./routes/update-flight";
import { registerCreateWebhook } from "./routes/create-webhook";
import { registerDeleteWebhook } from "./routes/delete-webhook";
import { registerEnableWebhook } from "./routes/enable-webhook";
import { registerGetWebhook } from "./routes/get-webhook";
import { registerListWebhookDeliveries } from "./routes/list-webhook-deliveries";
import { registerListWebhooks } from "./routes/list-webhooks";
import { registerRedeliverWebhookDelivery } from "./routes/redeliver-webhook-delivery";

/**
 * The booking worker: seat holds, payments and cancellation, and the airline's changes of flights
 * with what they do to bookings (its Cron Trigger is in index.ts).
 */
export function createBookingApp(): BookingApp {
  const app = createWorkerApp<BookingEnv>("booking");
  app.use(provideServices(BookingConfigSchema, verifierFromConfig));
  app.use(async (c, next) => {
    c.set("payments", paymentProviderFor(c.var.config));
    await next();
  });
  for (const register of [
    registerCreateBooking,
    registerListBookings,
    registerGetBooking,
    registerPayBooking,
    registerCancelBooking,
    registerAcceptBookingChange,
    registerCancelBookingChange,
    // The payment processor's side: its signed notifications.
    registerStripeWebhook,
    // The airline's side: changes of flights, and what they did to bookings.
    registerUpdateFlight,
    registerListFlightChanges,
    registerGetFlightChange,
    registerGetFlightManifest,
    // Partner webhooks: endpoints and their delivery log (delivery itself is the notifier's).
    registerCreateWebhook,
    registerListWebhooks,
    registerGetWebhook,
    registerDeleteWebhook,
    registerEnableWebhook,
    registerListWebhookDeliveries,
    registerRedeliverWebhookDelivery,
  ]) {
    register(app);
  }
  app.get("/health", databaseHealth);
  return app;
}
