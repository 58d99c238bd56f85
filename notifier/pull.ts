import type { ConsumerMessages, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { describeError, log } from "../shared/http/log";
import { backoffDelay, Wakeup } from "./wakeup";

export interface PullOptions {
  stream: string;
  consumer: string;
  /** Messages kept pulled ahead. */
  batch: number;
  /** Messages handled at once. */
  concurrency: number;
  /** Longest wait between attempts to (re)start pulling. */
  retryMaxMs: number;
}

/**
 * Pulls from a durable JetStream consumer until stopped, handing each message to `handle` with at
 * most `concurrency` in flight, and starts pulling again (with a back-off) whenever the server or
 * the consumer goes away. `handle` acks, naks or terminates; a message it throws on is left alone,
 * so JetStream delivers it again after the ack wait.
 */
export class DurablePull {
  /** Closed by stop(): handlers waiting on something can wake up and give their message back. */
  readonly stopping = new Wakeup();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: PullOptions,
    private readonly handle: (msg: JsMsg) => Promise<void>,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops pulling, gives back what was pulled but not started, and waits for the handlers in flight. */
  async stop(): Promise<void> {
    this.stopping.close();
    await this.messages?.close();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run() {
    const { stream, consumer: name, batch, concurrency, retryMaxMs } = this.options;
    for (let attempt = 1; !this.stopping.isClosed; attempt++) {
      try {
        const consumer = await this.js.consumers.get(stream, name);
        this.messages = await consumer.consume({ max_messages: batch });
        if (this.stopping.isClosed) await this.messages.close();
        attempt = 0;
        for await (const msg of this.messages) {
          if (this.stopping.isClosed) {
            msg.nak(); // pulled but not started: let another process have it now
            continue;
          }
          while (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
          const task: Promise<void> = this.handle(msg)
            .catch((err) => log("error", "consumer: unexpected failure; the message will be redelivered", { worker: "notifier", consumer: name, ...describeError(err) }))
            .finally(() => this.inFlight.delete(task));
          this.inFlight.add(task);
        }
        if (!this.stopping.isClosed) throw new Error("the consumer's message stream ended");
      } catch (err) {
        if (this.stopping.isClosed) break;
        const delay = backoffDelay(Math.max(1, attempt), 500, retryMaxMs);
        log("warn", "consumer: cannot pull from JetStream; retrying", { worker: "notifier", consumer: name, retryInMs: delay, error: describeError(err).error });
        await this.stopping.wait(delay);
      }
    }
  }
}
