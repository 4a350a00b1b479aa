// Per-user, per-endpoint rate limits with X's headers, on the harness's WindowLimiter (windows
// that open with a user's first request: mode "from-first").
//   https://docs.x.com/fundamentals/rate-limits (checked 2026-12-06): x-rate-limit-limit /
//     -remaining / -reset, "Unix timestamp when the limit resets"; 429 Too Many Requests when
//     exhausted; per-user limits for user tokens.
//   x-user-limit-24hour-limit / -remaining / -reset: the per-user 24-hour cap on creating Posts,
//     sent alongside the window headers (observed on POST /2/tweets responses, recorded 2026-11-27;
//     same epoch-seconds reset).
import type { LimitState } from "../harness-limits.js";

const epochSeconds = (ms: number): string => String(Math.ceil(ms / 1000));

export function windowHeaders(s: LimitState): Record<string, string> {
  return { "x-rate-limit-limit": String(s.limit), "x-rate-limit-remaining": String(s.remaining), "x-rate-limit-reset": epochSeconds(s.resetAt) };
}

export function dayHeaders(s: LimitState): Record<string, string> {
  return { "x-user-limit-24hour-limit": String(s.limit), "x-user-limit-24hour-remaining": String(s.remaining), "x-user-limit-24hour-reset": epochSeconds(s.resetAt) };
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Per-user window limits of the endpoints the loopback serves, by "METHOD route".
 *   POST /2/tweets 200 / 15 min per user (https://docs.x.com/x-api/posts/manage-tweets/migrate/overview,
 *     checked 2026-12-06), DELETE /2/tweets/:id 50 / 15 min:
 *     https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/introduction (2026-11-27)
 *   GET /2/users/me 75 / 15 min:
 *     https://developer.x.com/en/docs/x-api/users/lookup/api-reference/get-users-me (2026-11-27)
 *   Media upload and media metadata: loopback defaults (generous; not taken from the docs).
 * POST /2/tweets is configurable through XLoopbackOptions.rateLimit.
 */
export const DEFAULT_LIMITS: Readonly<Record<string, { limit: number; windowMs: number }>> = {
  "POST /2/tweets": { limit: 200, windowMs: FIFTEEN_MINUTES },
  "DELETE /2/tweets/:id": { limit: 50, windowMs: FIFTEEN_MINUTES },
  "GET /2/users/me": { limit: 75, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/initialize": { limit: 500, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/:id/append": { limit: 5000, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/upload/:id/finalize": { limit: 500, windowMs: FIFTEEN_MINUTES },
  "GET /2/media/upload": { limit: 5000, windowMs: FIFTEEN_MINUTES },
  "POST /2/media/metadata": { limit: 500, windowMs: FIFTEEN_MINUTES },
};
