import { parseNotifierConfig } from "../../notifier/config";
import { startNotifier } from "../../notifier/index";
import type { NatsServer } from "./nats";
import type { ResendStub } from "./resend-stub";

/** A notifier that polls fast and sends without a rate limit, through Resend's SDK to the stub. */
export function startTestNotifier(options: { databaseUrl: string; nats: NatsServer; resend: ResendStub; mailDir: string }) {
  return startNotifier(
    parseNotifierConfig({
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.nats.url,
      RESEND_API_KEY: options.resend.apiKey,
      RESEND_BASE_URL: options.resend.url,
      NOTIFIER_PORT: "0",
      NOTIFIER_POLL_MS: "250",
      NOTIFIER_SEND_RATE_PER_SECOND: "0",
      MAIL_DIR: options.mailDir,
    }),
  );
}
