import type { JetStreamClient, JetStreamManager, PubAck } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../db/client";
import { claimUnpublished, markPublished } from "./outbox";
import { within } from "../shared/async";
import { describeError, log } from "../shared/http/log";
import type { NotifierConfig } from "./config";
import type { NatsLink } from "./connection";
import type { NotifierMetrics } from "./metrics";
import { ensureConsumer, ensureStream } from "./stream";
import { backoffDelay, Wakeup } from "./wakeup";

/** The channel recordBookingEvents notifies on commit. */
const CHANNEL = "outbox";
const FIRST_RETRY_MS = 500;
/** How long one publish waits for its PubAck. */
const PUBLISH_TIMEOUT_MS = 5_000;
/** A relay statement running longer than this is cancelled by PostgreSQL. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** A round longer than this (statements, then publishes) has hung: the loop moves on. */
const ROUND_TIMEOUT_MS = 30_000;

/**
 * Outbox → JetStream. Each round claims a batch of unpublished events in one transaction (SKIP
 * LOCKED: relays in other notifier processes take other rows), publishes each with Nats-Msg-Id =
 * event id, waits for the PubAcks and marks the acknowledged ones published before committing.
 * A crash between PubAck and commit leaves the rows unpublished: the next round publishes them
 * again and the stream drops the copies by their Nats-Msg-Id (duplicate window > longest back-off).
 */
export class OutboxRelay {
  /** Rung by NOTIFY and by stop(): the next round starts at once. */
  private readonly bell = new Wakeup();
  /** Rung by stop(), and by NATS coming back: ends a back-off sleep early. */
  private readonly stopping = new Wakeup();
  private readonly retryNow = new Wakeup();
  /** When a round last completed (whether or not it found events): what /health watches. */
  private lastProgress = Date.now();
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly sql: postgres.Sql,
    private readonly nats: NatsLink,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly config: NotifierConfig,
    private readonly metrics: NotifierMetrics,
  ) {}

  start(): void {
    this.nats.onReconnect(() => this.retryNow.ring());
    void this.listen();
    this.loop = this.run();
  }

  /** Milliseconds since the relay last completed a round. */
  sinceProgress(): number {
    return Date.now() - this.lastProgress;
  }

  async stop(): Promise<void> {
    this.stopping.close();
    this.retryNow.close();
    this.bell.close();
    await this.loop;
    await this.unlisten?.().catch(() => {});
  }

  /** LISTEN outbox; postgres.js re-listens after a reconnect, and a poll covers any gap. */
  private async listen() {
    for (let attempt = 1; !this.stopping.isClosed; attempt++) {
      try {
        const { unlisten } = await this.sql.listen(
          CHANNEL,
          () => this.bell.ring(),
          // (Re)connected: rows committed while the listener was away are found at once.
          () => this.bell.ring(),
        );
        this.unlisten = unlisten;
        if (this.stopping.isClosed) await unlisten();
        return;
      } catch (err) {
        const delay = backoffDelay(attempt, FIRST_RETRY_MS, this.config.NOTIFIER_RELAY_RETRY_MAX_MS);
        log("warn", "relay: LISTEN failed; polling meanwhile", { worker: "notifier", retryInMs: delay, error: describeError(err).error });
        await this.stopping.wait(delay);
      }
    }
  }

  private async run() {
    let failures = 0;
    let checkStream = false;
    while (!this.stopping.isClosed) {
      try {
        if (!this.nats.connected()) throw new Error("NATS is disconnected");
        // After a failure the stream may be what is missing (a NATS server that lost its state).
        if (checkStream) {
          await ensureStream(this.jsm, this.config);
          await ensureConsumer(this.jsm, this.config);
          checkStream = false;
        }
        // A round that hangs (a connection that died without a word) is abandoned: its statements
        // time out on the server (statement_timeout), and the next round goes on.
        const { claimed, published, duplicates, error } = await within(ROUND_TIMEOUT_MS, this.publishBatch());
        this.metrics.published += published;
        this.metrics.publishDuplicates += duplicates;
        if (error) throw error;
        if (failures > 0) log("info", "relay: publishing again", { worker: "notifier", afterFailures: failures });
        failures = 0;
        this.lastProgress = Date.now();
        // A full batch means more may be waiting: go straight on.
        if (claimed < this.config.NOTIFIER_RELAY_BATCH_SIZE) await this.bell.wait(this.config.NOTIFIER_POLL_MS);
      } catch (err) {
        failures++;
        checkStream = true;
        this.metrics.relayFailures++;
        const delay = backoffDelay(failures, FIRST_RETRY_MS, this.config.NOTIFIER_RELAY_RETRY_MAX_MS);
        log("warn", "relay: publishing failed; events wait in the outbox. Retrying", {
          worker: "notifier",
          attempt: failures,
          retryInMs: delay,
          error: describeError(err).error,
        });
        await this.retryNow.wait(delay);
      }
    }
  }

  /**
   * One round. Events whose PubAck arrived are marked published and committed even when others in
   * the batch failed; the failure is returned so the caller backs off.
   */
  private publishBatch(): Promise<{ claimed: number; published: number; duplicates: number; error?: unknown }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true)`);
      const rows = await claimUnpublished(tx, this.config.NOTIFIER_RELAY_BATCH_SIZE);
      if (rows.length === 0) return { claimed: 0, published: 0, duplicates: 0 };
      const results = await Promise.allSettled(
        rows.map((row) => this.js.publish(row.type, JSON.stringify(row.payload), { msgID: row.id, timeout: PUBLISH_TIMEOUT_MS })),
      );
      const published: string[] = [];
      let duplicates = 0;
      let error: unknown;
      results.forEach((result, i) => {
        if (result.status === "fulfilled") {
          published.push(rows[i]!.id);
          if ((result.value as PubAck).duplicate) duplicates++;
        } else {
          error ??= result.reason;
        }
      });
      await markPublished(tx, published);
      return { claimed: rows.length, published: published.length, duplicates, error };
    });
  }
}
