/**
 * Rate-limit answers read once, for every platform and the feed fetcher. Pure: the clock is passed
 * in (and an answer's own `Date` header, the platform's clock, is preferred to it); never throws.
 *
 * Read here:
 * - `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * - `x-rate-limit-{limit,remaining,reset}` (X: reset in epoch seconds,
 *   https://docs.x.com/x-api/fundamentals/rate-limits), and X's 24-hour caps
 *   `x-user-limit-24hour-*`, `x-app-limit-24hour-*` (same form).
 * - `x-ratelimit-{limit,remaining,reset,reset-after}`: Discord (reset in epoch seconds with a
 *   fraction, reset-after in seconds, https://discord.com/developers/docs/topics/rate-limits#header-format),
 *   Mastodon (reset an ISO 8601 time, https://docs.joinmastodon.org/api/rate-limits/), GitHub.
 * - `ratelimit-{limit,remaining,reset}` (IETF draft-ietf-httpapi-ratelimit-headers up to -06: reset
 *   in delta seconds; Bluesky sends epoch seconds, https://docs.bsky.app/docs/advanced-guides/rate-limits),
 *   and the later drafts' single `RateLimit` field: `limit=, remaining=, reset=` (-07) or
 *   `"policy";r=;t=` (-08, -09) with `RateLimit-Policy: "policy";q=;w=`.
 * A numeric reset of at least 10^9 is epoch seconds (September 2001 on), smaller ones are a delay.
 */
import { deliveryError, type DeliveryError } from "../delivery-error.js";

/** What an answer says about the limits. Times in ms; absent fields were not given. Plain data. */
export interface RateLimitInfo {
  /**
   * How long until a request may succeed if this answer was a refusal: the longer of Retry-After
   * and the time to the reset of the limit that ran out (or of the first limit given).
   */
  waitMs?: number;
  /** The same moment as an epoch time, when the platform gave an absolute one (its own clock). */
  retryAt?: number;
  remaining?: number;
  limit?: number;
  /** The header family the figures came from, e.g. "x-user-limit-24hour" (for the operator's message). */
  source?: string;
}

/** Response headers as undici, node:http, twitter-api-v2 or @atproto hand them over, or a fetch `Headers`. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

const EPOCH_SECONDS_FROM = 1e9;
const FAMILIES = ["x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour", "x-ratelimit", "ratelimit"] as const;

type Get = (name: string) => string | undefined;

function getter(headers: HeaderSource | null | undefined): Get {
  if (!headers) return () => undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    const h = headers as { get(name: string): string | null };
    return (name) => h.get(name)?.trim() || undefined;
  }
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value !== null) lower.set(k.toLowerCase(), String(value).trim());
  }
  return (name) => lower.get(name) || undefined;
}

const number = (v: string | undefined): number | undefined => (v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);

/** An HTTP-date or ISO 8601 time (it has letters: a bare number is never a date here). */
const date = (v: string | undefined): number | undefined => {
  if (v === undefined || !/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isFinite(at) ? at : undefined;
};

/** `Retry-After` in ms from `now`: delay-seconds (a fraction tolerated) or an HTTP-date; undefined otherwise. Pure. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const v = value?.trim();
  const seconds = number(v);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  const at = date(v);
  return at === undefined ? undefined : Math.max(0, at - now);
}

interface Family {
  source: string;
  limit?: number;
  remaining?: number;
  /** Absolute reset (epoch ms), or a delay (ms) from the answer. */
  resetAt?: number;
  resetIn?: number;
}

function resetOf(value: string | undefined): Pick<Family, "resetAt" | "resetIn"> {
  const n = number(value);
  if (n !== undefined) return n >= EPOCH_SECONDS_FROM ? { resetAt: Math.round(n * 1000) } : { resetIn: Math.ceil(n * 1000) };
  const at = date(value);
  return at === undefined ? {} : { resetAt: at };
}

/** `RateLimit: "default";r=50;t=30` (-08+) or `RateLimit: limit=100, remaining=50, reset=30` (-07). */
function structuredField(get: Get): Family | undefined {
  const field = get("ratelimit");
  if (!field || !field.includes("=")) return undefined;
  const params = new Map<string, string>();
  for (const m of field.matchAll(/([a-z]+)=("?)([0-9.]+)\2/g)) if (m[1] && m[3] && !params.has(m[1])) params.set(m[1], m[3]);
  const quota = /;\s*q=([0-9]+)/.exec(get("ratelimit-policy") ?? "")?.[1];
  const reset = number(params.get("t") ?? params.get("reset"));
  return {
    source: "ratelimit",
    ...(number(params.get("limit") ?? quota) !== undefined ? { limit: number(params.get("limit") ?? quota) } : {}),
    ...(number(params.get("r") ?? params.get("remaining")) !== undefined ? { remaining: number(params.get("r") ?? params.get("remaining")) } : {}),
    ...(reset !== undefined ? { resetIn: Math.ceil(reset * 1000) } : {}),
  };
}

function families(get: Get): Family[] {
  const out: Family[] = [];
  for (const prefix of FAMILIES) {
    const limit = number(get(`${prefix}-limit`));
    const remaining = number(get(`${prefix}-remaining`));
    const reset = resetOf(get(`${prefix}-reset`));
    const after = number(get(`${prefix}-reset-after`));
    const f: Family = { source: prefix, ...reset };
    if (limit !== undefined) f.limit = limit;
    if (remaining !== undefined) f.remaining = remaining;
    if (after !== undefined) f.resetIn = Math.ceil(after * 1000);
    if (limit !== undefined || remaining !== undefined || f.resetAt !== undefined || f.resetIn !== undefined) out.push(f);
  }
  const structured = structuredField(get);
  if (structured) out.push(structured);
  return out;
}

/**
 * Reads the rate-limit headers of one answer. `now`: the caller's clock (epoch ms), used only when
 * the answer carries no `Date`; a caller without a clock (an adapter's pure `classify`) leaves it
 * out, and a wait to an absolute time is then given only when the answer has a `Date` (`retryAt`
 * always is). Of several limits (X's window and 24-hour caps), the one that ran out with the latest
 * reset decides; when none ran out, the first given. Pure; never throws.
 */
export function readRateLimit(headers: HeaderSource | null | undefined, now?: number): RateLimitInfo {
  try {
    const get = getter(headers);
    const clock = date(get("date")) ?? now;
    const answeredAt = clock ?? 0; // without any clock, absolute times are still ranked among themselves
    const all = families(get);
    const waitOf = (f: Family) => (f.resetIn !== undefined ? f.resetIn : f.resetAt !== undefined ? Math.max(0, f.resetAt - answeredAt) : undefined);
    const exhausted = all.filter((f) => f.remaining === 0 && waitOf(f) !== undefined);
    const chosen = exhausted.length ? exhausted.reduce((a, b) => ((waitOf(b) ?? 0) > (waitOf(a) ?? 0) ? b : a)) : all[0];
    const retryAfter = get("retry-after");
    const raWait = parseRetryAfter(retryAfter, answeredAt);
    const raAt = date(retryAfter);
    const familyWait = chosen ? waitOf(chosen) : undefined;
    const info: RateLimitInfo = {};
    // A wait to an absolute time measured without a clock would be meaningless: left out.
    const measured = (wait: number | undefined, absolute: boolean) => (absolute && clock === undefined ? undefined : wait);
    const waits = [measured(raWait, raAt !== undefined), measured(familyWait, chosen?.resetIn === undefined)].filter((w): w is number => w !== undefined);
    if (waits.length) info.waitMs = Math.max(...waits);
    const useFamily = familyWait !== undefined && (raWait === undefined || familyWait >= raWait);
    const retryAt = useFamily ? chosen?.resetAt : raAt;
    if (retryAt !== undefined) info.retryAt = retryAt;
    if (chosen?.remaining !== undefined) info.remaining = chosen.remaining;
    if (chosen?.limit !== undefined) info.limit = chosen.limit;
    if (chosen && (useFamily || raWait === undefined)) info.source = chosen.source;
    else if (raWait !== undefined) info.source = "retry-after";
    return info;
  } catch {
    return {};
  }
}

/** How an adapter words a rate limit. */
export interface RateLimitWording {
  /** What was reached, e.g. "X rate limit reached (the account's 24-hour post cap)". */
  what: string;
  /** Who waits: this destination, or every destination of the account/IP. */
  scope: "destination" | "account";
  /** The wait when the answer gave none (the platform's documented window). */
  defaultWaitMs: number;
  /** The platform's own words, for `DeliveryError.detail`. */
  detail?: string;
}

/** The `rate-limited` DeliveryError for what the headers said. Pure; never throws. */
export function rateLimitedError(info: RateLimitInfo, wording: RateLimitWording): DeliveryError {
  const extra = { scope: wording.scope, ...(wording.detail !== undefined ? { detail: wording.detail } : {}) };
  if (info.waitMs === undefined && info.retryAt === undefined) {
    const waitMs = wording.defaultWaitMs;
    return deliveryError("rate-limited", `${wording.what}; no reset time given, waiting ${Math.round(waitMs / 1000)} s`, { ...extra, waitMs });
  }
  const until = info.retryAt !== undefined ? `at ${new Date(info.retryAt).toISOString()}` : `in ${Math.ceil((info.waitMs ?? 0) / 1000)} s`;
  return deliveryError("rate-limited", `${wording.what}; posting resumes ${until}`, {
    ...extra,
    ...(info.waitMs !== undefined ? { waitMs: info.waitMs } : {}),
    ...(info.retryAt !== undefined ? { retryAt: info.retryAt } : {}),
  });
}
