/**
 * A GCRA rate limiter (the "generic cell rate algorithm"): `limit` requests per `periodMs`, with
 * bursts up to `limit`, remembered per key as a single timestamp. In-process: per Node process, or
 * per Workers isolate at the edge (see docs/architecture.md for the trade-off).
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the quota is whole again. */
  resetSeconds: number;
  /** Seconds to wait before a refused request may be retried. */
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly interval: number;
  private readonly theoreticalArrival = new Map<string, number>();

  constructor(
    readonly limit: number,
    private readonly periodMs: number,
    private readonly maxKeys = 50_000,
  ) {
    this.interval = periodMs / limit;
  }

  take(key: string, now = Date.now()): RateDecision {
    const tat = Math.max(this.theoreticalArrival.get(key) ?? now, now);
    const next = tat + this.interval;
    const allowAt = next - this.periodMs;
    if (now < allowAt) {
      return {
        allowed: false,
        limit: this.limit,
        remaining: 0,
        resetSeconds: Math.ceil((tat - now) / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((allowAt - now) / 1000)),
      };
    }
    this.remember(key, next, now);
    return {
      allowed: true,
      limit: this.limit,
      remaining: Math.max(0, Math.floor((this.periodMs - (next - now)) / this.interval)),
      resetSeconds: Math.ceil((next - now) / 1000),
      retryAfterSeconds: 0,
    };
  }

  private remember(key: string, tat: number, now: number) {
    if (this.theoreticalArrival.size >= this.maxKeys) {
      for (const [k, t] of this.theoreticalArrival) if (t <= now) this.theoreticalArrival.delete(k);
      if (this.theoreticalArrival.size >= this.maxKeys) this.theoreticalArrival.clear();
    }
    this.theoreticalArrival.set(key, tat);
  }
}
