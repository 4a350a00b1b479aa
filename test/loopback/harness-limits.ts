// Rate limiters for the loopback platforms: one class, the three window shapes the platforms
// document. Pure: the clock is passed in. The platform's headers are the server's to write (see
// LimitRule in harness.ts), from the state these return.

/** Where a key stands after a request was counted (or refused). Times in epoch ms. */
export interface LimitState {
  /** False when the window was full: the request was NOT counted. */
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** When a request will be allowed again (full) or the window resets (not full), epoch ms. */
  resetAt: number;
}

/**
 * - "from-first": a window opens with a key's first request and lasts `windowMs` (Discord's and
 *   X's documented buckets, Slack's per-channel limit).
 * - "aligned": windows aligned to the epoch, `floor(now / windowMs)` (Mastodon: rack-attack and
 *   RateLimiter key their counters by `now / period`).
 * - "sliding": at most `limit` in any `windowMs` (Telegram's "20 messages per minute").
 */
export type WindowMode = "from-first" | "aligned" | "sliding";

export interface WindowLimit {
  limit: number;
  windowMs: number;
  mode?: WindowMode;
}

export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly logs = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;
  readonly mode: WindowMode;

  constructor(cfg: WindowLimit) {
    if (!(cfg.limit >= 0) || !(cfg.windowMs > 0)) throw new Error(`invalid window limit ${JSON.stringify(cfg)}`);
    this.limit = cfg.limit;
    this.windowMs = cfg.windowMs;
    this.mode = cfg.mode ?? "from-first";
  }

  /** Counts one request for `key` when the window has room; `allowed: false` (nothing counted) when it has none. */
  take(key: string, now: number): LimitState {
    return this.mode === "sliding" ? this.slide(key, now, true) : this.fixed(key, now, true);
  }

  /** Where `key` stands, without counting anything. */
  peek(key: string, now: number): LimitState {
    return this.mode === "sliding" ? this.slide(key, now, false) : this.fixed(key, now, false);
  }

  /** Forgets every key (a test that changes the clock). */
  reset(): void {
    this.windows.clear();
    this.logs.clear();
  }

  private fixed(key: string, now: number, count: boolean): LimitState {
    const start = this.mode === "aligned" ? Math.floor(now / this.windowMs) * this.windowMs : undefined;
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowMs || (start !== undefined && w.start !== start)) {
      w = { start: start ?? now, count: 0 };
      if (count) this.windows.set(key, w);
    }
    const allowed = w.count < this.limit;
    if (allowed && count) w.count += 1;
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - w.count), resetAt: w.start + this.windowMs };
  }

  private slide(key: string, now: number, count: boolean): LimitState {
    const recent = (this.logs.get(key) ?? []).filter((t) => t > now - this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed && count) recent.push(now);
    if (count || this.logs.has(key)) this.logs.set(key, recent);
    // Full: the next slot opens when the oldest of the last `limit` leaves the window.
    const oldest = recent[Math.max(0, recent.length - this.limit)] ?? now;
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - recent.length), resetAt: oldest + this.windowMs };
  }
}

/** Seconds from `now` until `at`, rounded up, at least `min` (a 429 always asks for some wait). */
export function secondsUntil(at: number, now: number, min = 1): number {
  return Math.max(min, Math.ceil((at - now) / 1000));
}
