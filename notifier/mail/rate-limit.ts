/**
 * Spaces sends to the provider's rate limit (Resend allows a few requests per second per team by
 * default), so a burst of events queues here instead of turning into 429s that would use up each
 * message's deliveries. A 429 pauses every send for its Retry-After.
 */
export class SendRateLimit {
  private next = 0;

  /** `perSecond` 0: no spacing (only pauses after a 429). */
  constructor(private readonly perSecond: number) {}

  /**
   * Waits for this send's turn. While waiting, `keepAlive` runs every `keepAliveMs` (the consumer
   * tells JetStream the message is still being worked on); `stopped` ends the wait early with false.
   */
  async take(keepAlive: () => void, keepAliveMs: number, stopped: (ms: number) => Promise<boolean>): Promise<boolean> {
    const now = Date.now();
    const slot = Math.max(now, this.next);
    if (this.perSecond > 0) this.next = slot + 1000 / this.perSecond;
    for (let left = slot - now; left > 0; left -= keepAliveMs) {
      if (await stopped(Math.min(left, keepAliveMs))) return false;
      if (left > keepAliveMs) keepAlive();
    }
    return true;
  }

  /** The provider answered 429: nobody sends for `ms`. */
  pause(ms: number): void {
    this.next = Math.max(this.next, Date.now() + ms);
  }
}
