// Rate limits (https://discord.com/developers/docs/topics/rate-limits). Fixed windows: the docs
// describe buckets that reset (X-RateLimit-Reset / -Reset-After), not how they refill.
import { createHash } from "node:crypto";

export interface Window {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Counts one request for `key` (unless the window is full: a 429 does not count). */
  take(key: string, now: number): Window {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const allowed = w.count < this.limit;
    if (allowed) w.count += 1;
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - w.count), resetAt: w.start + this.windowMs };
  }
}

/** "A unique string denoting the rate limit being encountered (non-inclusive of top-level resources in the path)". */
export function bucketOf(route: string): string {
  return createHash("sha256").update(route).digest("hex").slice(0, 32);
}

/** #header-format: Limit, Remaining, Reset (epoch seconds), Reset-After (seconds, "can have decimals"), Bucket. */
export function rateLimitHeaders(w: Window, route: string, now: number): Record<string, string> {
  return {
    "x-ratelimit-limit": String(w.limit),
    "x-ratelimit-remaining": String(w.remaining),
    "x-ratelimit-reset": (w.resetAt / 1000).toFixed(3),
    "x-ratelimit-reset-after": secondsUntil(w.resetAt, now).toFixed(3),
    "x-ratelimit-bucket": bucketOf(route),
  };
}

/** Seconds from `now` to `at`, never below 1 ms (a 429 always asks for some wait). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0.001, (at - now) / 1000);
}
