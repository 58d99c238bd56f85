import { connect, type NatsConnection } from "@nats-io/transport-node";
import { describeError, log } from "../../shared/http/log";
import type { NotifierConfig } from "./config";
import { backoffDelay, type Wakeup } from "./wakeup";

const FIRST_RETRY_MS = 500;

/**
 * Connects to NATS, waiting with a capped exponential back-off while it is unreachable (and
 * saying so in the log). Once connected, the client reconnects by itself for ever, so this runs
 * once per process. Resolves undefined when the notifier stops first.
 */
export async function connectToNats(config: NotifierConfig, stopping: Wakeup): Promise<NatsConnection | undefined> {
  const servers = config.NATS_URL.split(",").map((s) => s.trim());
  for (let attempt = 1; !stopping.isClosed; attempt++) {
    try {
      const nc = await connect({
        servers,
        name: "airline-notifier",
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
        timeout: 5_000,
      });
      log("info", "connected to NATS", { worker: "notifier", server: nc.getServer() });
      void logStatus(nc);
      return nc;
    } catch (err) {
      const delay = backoffDelay(attempt, FIRST_RETRY_MS, config.NOTIFIER_RELAY_RETRY_MAX_MS);
      log("warn", "NATS unreachable; events wait in the outbox. Retrying", {
        worker: "notifier",
        servers,
        attempt,
        retryInMs: delay,
        ...describeError(err),
        stack: undefined,
      });
      await stopping.wait(delay);
    }
  }
  return undefined;
}

async function logStatus(nc: NatsConnection) {
  for await (const status of nc.status()) {
    if (status.type === "disconnect") log("warn", "NATS connection lost; reconnecting", { worker: "notifier", server: status.server });
    else if (status.type === "reconnect") log("info", "NATS connection restored", { worker: "notifier", server: status.server });
  }
}
