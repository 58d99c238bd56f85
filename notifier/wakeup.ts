/**
 * A doorbell for a loop that sleeps between rounds: `wait(ms)` ends after ms, or at once when
 * `ring()` was called since the last wait (a ring during a round is not lost), or on `close()`.
 */
export class Wakeup {
  private rung = false;
  private closed = false;
  private waiters = new Set<() => void>();

  ring(): void {
    this.rung = true;
    for (const wake of this.waiters) wake();
  }

  close(): void {
    this.closed = true;
    this.ring();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  wait(ms: number): Promise<void> {
    if (this.rung || this.closed) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        this.rung = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

/** base × 2^(attempt − 1), at most `max`; attempt counts from 1. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
