/**
 * Token buckets per client key (the peer address): `ratePerSecond` tokens refill
 * continuously up to `burst`. A denied request learns how long to wait (Retry-After).
 */
export interface RateBudget {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until one token is back (0 when allowed). */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly budget: RateBudget,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): RateDecision {
    const { ratePerSecond, burst } = this.budget;
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
  }
}

/**
 * API calls: 100/s sustained, bursts of 500 (a person plus autosave stays far below;
 * a script looping on the API is slowed, not refused outright). Frame and file GETs: the UI scrubs and
 * prefetches whole clips, so they get 1,000/s with bursts of 3,000.
 */
export const API_BUDGET: RateBudget = { ratePerSecond: 100, burst: 500 };
export const GET_BUDGET: RateBudget = { ratePerSecond: 1000, burst: 3000 };
