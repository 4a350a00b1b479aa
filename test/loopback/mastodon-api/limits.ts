// Mastodon's rate limits and the X-RateLimit-* headers it answers with. The windows are the
// harness's WindowLimiter, aligned to the epoch as Mastodon keys its counters (`now / period`:
// app/lib/rate_limiter.rb, rack-attack's throttles).
import type { LimitState } from "../harness-limits.js";
import type { Reply, WindowLimit } from "./types.js";

/** https://docs.joinmastodon.org/api/rate-limits/ (read 2026-12-06): `* /api/*`, account access, 5 minutes, 300; rack_attack.rb `throttle_per_token_api`. */
export const DEFAULT_API_LIMIT: WindowLimit = { limit: 300, windowMs: 5 * 60_000 };
/** app/lib/rate_limiter.rb FAMILIES[:statuses] (read 2026-12-06): 300 per 3 hours per account. */
export const DEFAULT_STATUS_LIMIT: WindowLimit = { limit: 300, windowMs: 3 * 3_600_000 };
/** Docs /api/rate-limits/: `POST /api/v1/media`, "Uploading", 30 per 30 minutes per account; rack_attack.rb `throttle_api_media` matches /api/v2/media too. */
export const DEFAULT_MEDIA_LIMIT: WindowLimit = { limit: 30, windowMs: 30 * 60_000 };

/** `X-RateLimit-Reset` as Mastodon writes it: `Time#iso8601(6)`, e.g. 2026-05-13T20:40:00.000000Z. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The headers of https://docs.joinmastodon.org/api/rate-limits/ for one limit. */
export function rateLimitHeaders(s: Pick<LimitState, "limit" | "remaining" | "resetAt">): Record<string, string> {
  return { "x-ratelimit-limit": String(s.limit), "x-ratelimit-remaining": String(s.remaining), "x-ratelimit-reset": isoMicros(s.resetAt) };
}

/**
 * "An API method can be subject to multiple overlapping rate limits. The headers return information
 * about the one you are closest to exceeding" (docs /api/rate-limits/): the reply's own headers (a
 * created status's family) or those of the other limits the request counted against.
 */
export function closestLimit(reply: Reply, others: readonly LimitState[]): Reply {
  const own = Number(reply.headers?.["x-ratelimit-remaining"] ?? Infinity);
  const nearest = others.reduce<LimitState | undefined>((a, b) => (a === undefined || b.remaining < a.remaining ? b : a), undefined);
  if (!nearest || own <= nearest.remaining) return reply;
  return { ...reply, headers: { ...reply.headers, ...rateLimitHeaders(nearest) } };
}
