import type { OpenAPIHono } from "@hono/zod-openapi";
import type { WorkerVariables } from "../../shared/http/services";
import type { BookingConfig } from "./config";
import type { PaymentProvider } from "./domain/payment-provider";

export interface BookingEnv {
  Bindings: Record<string, unknown>;
  Variables: WorkerVariables<BookingConfig> & { payments: PaymentProvider };
}

export type BookingApp = OpenAPIHono<BookingEnv>;
