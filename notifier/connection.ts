import { connect, type NatsConnection } from "@nats-io/transport-node";
import { describeError, log } from "../shared/http/log";
import type { NotifierConfig } from "./config";
import { backoffDelay, type Wakeup } from "./wakeup";

const FIRST_RETRY_MS = 500;

/** The NATS connection and whether it is up right now (the client reconnects by itself). */
export interface NatsLink {
  nc: NatsConnection;
  connected(): boolean;
  /** Calls `listener` each time the connection comes back (the relay stops waiting out its back-off). */
  onReconnect(listener: () => void): void;
}

/**
 * Connects to NATS, waiting with a capped exponential back-off while it is unreachable (and
 * saying so in the log). Once connected, the client reconnects by itself for ever, so this runs
 * once per process. Resolves undefined when the notifier stops first.
 */
export async function connectToNats(config: NotifierConfig, stopping: Wakeup): Promise<NatsLink | undefined> {
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
      let up = true;
      const reconnected = new Set<() => void>();
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === "disconnect") {
            up = false;
            log("warn", "NATS connection lost; reconnecting", { worker: "notifier", server: status.server });
          } else if (status.type === "reconnect") {
            up = true;
            log("info", "NATS connection restored", { worker: "notifier", server: status.server });
            for (const listener of reconnected) listener();
          }
        }
      })();
      return { nc, connected: () => up && !nc.isClosed(), onReconnect: (listener) => reconnected.add(listener) };
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
