// Fixed windows aligned to the epoch, as Mastodon keeps them: rack-attack's throttles
// (config/initializers/rack_attack.rb) and app/lib/rate_limiter.rb both key their counters by
// `now / period` and reset at `now + (period - now % period)`.
import type { WindowLimit } from "./types.js";

export const FIVE_MINUTES = 5 * 60_000;
export const THREE_HOURS = 3 * 3_600_000;

/** https://docs.joinmastodon.org/api/rate-limits/: `* /api/*`, account access, 5 minutes, 300. */
export const DEFAULT_API_LIMIT: WindowLimit = { limit: 300, windowMs: FIVE_MINUTES };
/** app/lib/rate_limiter.rb FAMILIES[:statuses]: 300 per 3 hours per account. */
export const DEFAULT_STATUS_LIMIT: WindowLimit = { limit: 300, windowMs: THREE_HOURS };

export interface WindowState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  reset: number;
}

export class AlignedWindowLimiter {
  private readonly counts = new Map<string, { window: number; count: number }>();

  constructor(private readonly cfg: WindowLimit) {}

  private current(key: string, now: number): { window: number; count: number } {
    const window = Math.floor(now / this.cfg.windowMs);
    const entry = this.counts.get(key);
    if (entry && entry.window === window) return entry;
    const fresh = { window, count: 0 };
    this.counts.set(key, fresh);
    return fresh;
  }

  private state(entry: { window: number; count: number }): WindowState {
    return { limit: this.cfg.limit, remaining: Math.max(0, this.cfg.limit - entry.count), reset: (entry.window + 1) * this.cfg.windowMs };
  }

  peek(key: string, now: number): WindowState {
    return this.state(this.current(key, now));
  }

  /** Counts one use when the window has room; `allowed` false (nothing counted) when it has none. */
  take(key: string, now: number): WindowState & { allowed: boolean } {
    const entry = this.current(key, now);
    if (entry.count >= this.cfg.limit) return { ...this.state(entry), allowed: false };
    entry.count++;
    return { ...this.state(entry), allowed: true };
  }
}

/** `X-RateLimit-Reset` as Mastodon writes it: `Time#iso8601(6)`, e.g. 2026-05-13T20:40:00.000000Z. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** https://docs.joinmastodon.org/api/rate-limits/ headers. */
export function rateLimitHeaders(s: WindowState): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(s.limit),
    "X-RateLimit-Remaining": String(s.remaining),
    "X-RateLimit-Reset": isoMicros(s.reset),
  };
}
