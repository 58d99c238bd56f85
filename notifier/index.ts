// The notifier: outbox → NATS JetStream → email. A long-running Node process, not a Worker
// (JetStream consumers hold connections open; an edge runtime is request-scoped).
// `npm run notifier` runs it alone; startNotifier() is what `npm start` and the tests call.
import { type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect as connectDatabase, disconnectAll } from "#db-connection";
import { createDatabase } from "../db/client";
import { isProduction } from "../shared/config";
import { describeError, log } from "../shared/http/log";
import { type NotifierConfig, parseNotifierConfig } from "./config";
import { connectToNats, type NatsLink } from "./connection";
import { EmailConsumer } from "./consumer";
import { transportFor } from "./mail/transport";
import { NotifierMetrics } from "./metrics";
import { OutboxRelay } from "./relay";
import { serveHealthAndMetrics } from "./server";
import { ensureConsumer, ensureStream, ensureWebhookConsumer } from "./stream";
import { UndeliveredWatcher } from "./undelivered";
import { backoffDelay, Wakeup } from "./wakeup";
import { WebhookDispatcher } from "./webhooks/dispatcher";
import { WebhookFanout } from "./webhooks/fanout";
import { WebhookSender } from "./webhooks/sender";

export interface RunningNotifier {
  /** Base URL of /health and /metrics. */
  url: string;
  metrics: NotifierMetrics;
  /** Stops pulling and publishing, finishes the emails in flight, closes NATS and the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server at once, then (in the background, retrying while NATS is unreachable)
 * connects, creates or updates the stream and the consumer, and starts the relay and the consumer.
 * The database pool is the process's (#db-connection); the caller closes it.
 */
export async function startNotifier(config: NotifierConfig): Promise<RunningNotifier> {
  const db = createDatabase(config.DATABASE_URL);
  const metrics = new NotifierMetrics();
  const transport = transportFor(config);
  const stopping = new Wakeup();
  const startedAt = Date.now();
  let link: NatsLink | undefined;
  let relay: OutboxRelay | undefined;
  let consumer: EmailConsumer | undefined;
  let undelivered: UndeliveredWatcher | undefined;
  let fanout: WebhookFanout | undefined;
  const sender = new WebhookSender(isProduction(config), config.WEBHOOK_TIMEOUT_MS);
  // Retries are scheduled in PostgreSQL, so the dispatcher runs whether or not NATS is up.
  const dispatcher = new WebhookDispatcher(db, sender, transport, config, metrics);
  dispatcher.start();

  const server = await serveHealthAndMetrics({
    db,
    metrics,
    natsConnected: () => link?.connected() ?? false,
    relaySinceProgress: () => relay?.sinceProgress() ?? Date.now() - startedAt,
    relayStallMs: config.NOTIFIER_RELAY_STALL_MS,
    port: config.NOTIFIER_PORT,
    host: config.NOTIFIER_HOST,
  });
  log("info", "notifier listening", {
    worker: "notifier",
    url: server.url,
    mail: transport.provider === "resend" ? "resend" : `development mailbox in ${config.MAIL_DIR} (RESEND_API_KEY is unset)`,
  });

  const starting = (async () => {
    link = await connectToNats(config, stopping);
    if (!link) return;
    let jsm: JetStreamManager | undefined;
    for (let attempt = 1; !stopping.isClosed; attempt++) {
      try {
        jsm = await jetstreamManager(link.nc);
        await ensureStream(jsm, config);
        await ensureConsumer(jsm, config);
        await ensureWebhookConsumer(jsm, config);
        break;
      } catch (err) {
        const delay = backoffDelay(attempt, 500, config.NOTIFIER_RELAY_RETRY_MAX_MS);
        log("warn", "cannot set up the JetStream stream; retrying", { worker: "notifier", retryInMs: delay, error: describeError(err).error });
        await stopping.wait(delay);
      }
    }
    if (stopping.isClosed || !jsm) return;
    const js = jetstream(link.nc);
    relay = new OutboxRelay(db, connectDatabase(config.DATABASE_URL), link, js, jsm, config, metrics);
    consumer = new EmailConsumer(db, js, transport, config, metrics);
    undelivered = new UndeliveredWatcher(db, js, jsm, config, metrics);
    fanout = new WebhookFanout(db, js, config, () => dispatcher.ring());
    relay.start();
    consumer.start();
    undelivered.start();
    fanout.start();
    log("info", "notifier running", { worker: "notifier", stream: "BOOKINGS", consumer: config.NOTIFIER_CONSUMER });
  })();

  return {
    url: server.url,
    metrics,
    async stop() {
      stopping.close();
      await starting.catch(() => {});
      await Promise.all([relay?.stop(), consumer?.stop(), undelivered?.stop(), fanout?.stop(), dispatcher.stop()]);
      sender.close();
      await link?.nc.drain().catch(() => link?.nc.close());
      await server.close();
    },
  };
}

async function main() {
  // A rejection nobody awaited (a driver's background promise, say) is a bug to log, not a reason
  // to stop sending email; JetStream and the outbox make every piece of work retryable.
  process.on("unhandledRejection", (err) => log("error", "unhandled rejection (kept running)", { worker: "notifier", ...describeError(err) }));
  const config = parseNotifierConfig(process.env);
  const notifier = await startNotifier(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "notifier stopping", { worker: "notifier", signal });
    const force = setTimeout(() => process.exit(1), 15_000);
    await notifier.stop();
    await disconnectAll();
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Started by a supervisor (npm start, npm run start:node): stop when it is gone, even if it was
  // killed outright, and tell it when this serves.
  if (process.connected) {
    process.on("disconnect", () => void stop("parent exited"));
    process.send?.({ type: "ready", url: notifier.url });
  }
}

if (import.meta.filename === process.argv[1]) {
  main().catch((err) => {
    console.error(`[notifier] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
