// Per-user, per-endpoint rate limiting with X's headers.
//   https://docs.x.com/fundamentals/rate-limits  (x-rate-limit-limit / -remaining / -reset,
//     reset = Unix epoch seconds; 429 Too Many Requests when exhausted; per-user limits for user tokens)
//   x-user-limit-24hour-limit / -remaining / -reset: the per-user 24-hour cap on creating Posts,
//     sent alongside the window headers (observed on POST /2/tweets responses; same epoch-seconds reset).

export interface WindowState {
  limit: number;
  remaining: number;
  /** Unix epoch seconds at which the window resets. */
  reset: number;
}

/** Fixed windows that start with the first request of a key. */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private current(key: string, nowMs: number): { start: number; used: number } {
    let w = this.windows.get(key);
    if (!w || nowMs >= w.start + this.windowMs) {
      w = { start: nowMs, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** State without consuming. */
  peek(key: string, nowMs: number): WindowState {
    const w = this.current(key, nowMs);
    return this.state(w);
  }

  /** Consume one request; `allowed` is false (and nothing is consumed) once the window is exhausted. */
  take(key: string, nowMs: number): WindowState & { allowed: boolean } {
    const w = this.current(key, nowMs);
    if (w.used >= this.limit) return { ...this.state(w), allowed: false };
    w.used += 1;
    return { ...this.state(w), allowed: true };
  }

  private state(w: { start: number; used: number }): WindowState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.used),
      reset: Math.ceil((w.start + this.windowMs) / 1000),
    };
  }
}

export function windowHeaders(s: WindowState): Record<string, string> {
  return {
    "x-rate-limit-limit": String(s.limit),
    "x-rate-limit-remaining": String(s.remaining),
    "x-rate-limit-reset": String(s.reset),
  };
}

export function dayHeaders(s: WindowState): Record<string, string> {
  return {
    "x-user-limit-24hour-limit": String(s.limit),
    "x-user-limit-24hour-remaining": String(s.remaining),
    "x-user-limit-24hour-reset": String(s.reset),
  };
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Per-user window limits of the endpoints the loopback serves.
 *   POST /2/tweets 200 / 15 min, DELETE /2/tweets/:id 50 / 15 min:
 *     https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/introduction
 *   GET /2/users/me 75 / 15 min:
 *     https://developer.x.com/en/docs/x-api/users/lookup/api-reference/get-users-me
 *   Media upload and media metadata: loopback defaults (generous; not taken from the docs).
 * POST /2/tweets is configurable through XLoopbackOptions.rateLimit.
 */
export const DEFAULT_LIMITS: Record<string, { limit: number; windowMs: number }> = {
  "POST /2/tweets": { limit: 200, windowMs: FIFTEEN_MINUTES },
  "DELETE /2/tweets/:id": { limit: 50, windowMs: FIFTEEN_MINUTES },
  "GET /2/users/me": { limit: 75, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/initialize": { limit: 500, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/:id/append": { limit: 5000, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/:id/finalize": { limit: 500, windowMs: FIFTEEN_MINUTES },
  "GET /2/media/upload": { limit: 5000, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/metadata": { limit: 500, windowMs: FIFTEEN_MINUTES },
};
