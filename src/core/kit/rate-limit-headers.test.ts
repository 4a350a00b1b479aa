// readRateLimit is pure: tables of the headers each platform really sends (the adapters' recorded
// fixtures), and the feed fetcher's Retry-After table, which parseRetryAfter must answer alike.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRetryAfter, rateLimitedError, readRateLimit, type RateLimitInfo } from "./rate-limit-headers.js";

const fixtureHeaders = (platform: string, name: string): Record<string, string> =>
  (JSON.parse(readFileSync(new URL(`../../../adapters/${platform}/fixtures/${name}.json`, import.meta.url), "utf8")) as { headers: Record<string, string> }).headers;

const NOW = Date.parse("2026-11-27T10:00:00Z");

describe("parseRetryAfter", () => {
  // The feed fetcher's table too (src/intake/fetch.ts reads Retry-After with this function).
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["120", 120_000],
    [" 0 ", 0],
    ["Fri, 27 Nov 2026 10:02:00 GMT", 120_000],
    ["Fri, 27 Nov 2026 09:00:00 GMT", 0],
    ["soon", undefined],
    // Beyond it: a fraction is seconds, not a date in 2001 (Date.parse("1.5") is one); negatives are nothing.
    ["1.5", 1_500],
    ["-5", undefined],
    ["", undefined],
  ])("%j -> %j", (value, ms) => expect(parseRetryAfter(value, NOW)).toBe(ms));
});

describe("readRateLimit: the platforms' recorded answers", () => {
  it.each<[string, string, string, RateLimitInfo]>([
    // X: the 15-minute window ran out; reset in epoch seconds, wait measured from the answer's Date.
    ["x", "429-window", "X window", { waitMs: 420_000, retryAt: 1778705077000, remaining: 0, limit: 100, source: "x-rate-limit" }],
    // X: the window has room, the per-user 24-hour cap does not: the cap decides.
    ["x", "429-user-24hour", "X 24-hour cap", { waitMs: 19_234_000, retryAt: 1778723891000, remaining: 0, limit: 17, source: "x-user-limit-24hour" }],
    // Mastodon: reset as ISO 8601 with microseconds, 4 min 20 s after Date.
    ["mastodon", "429-too-many-requests", "Mastodon", { waitMs: 260_000, retryAt: Date.parse("2026-05-13T20:40:00Z"), remaining: 0, limit: 300, source: "x-ratelimit" }],
    ["mastodon", "429-retry-after", "a proxy's Retry-After", { waitMs: 120_000, source: "retry-after" }],
    // Discord: Retry-After (65) over the bucket's reset-after (64.57 s); the docs' example reset is in 2016, never a retryAt.
    ["discord", "429-user", "Discord user limit", { waitMs: 65_000, remaining: 0, limit: 10, source: "retry-after" }],
    ["discord", "429-shared", "Discord shared resource", { waitMs: 1_337_000, remaining: 9, limit: 10, source: "retry-after" }],
    ["discord", "429-global", "Discord global", { waitMs: 65_000, source: "retry-after" }],
    // Bluesky: ratelimit-reset is epoch seconds (not the draft's delay).
    ["bluesky", "429-create-session", "Bluesky", { waitMs: 1795744457000 - Date.parse("Fri, 27 Nov 2026 01:49:28 GMT"), retryAt: 1795744457000, remaining: 0, limit: 30, source: "ratelimit" }],
  ])("%s %s (%s)", (platform, name, _what, expected) => {
    expect(readRateLimit(fixtureHeaders(platform, name), NOW)).toEqual(expected);
  });
});

describe("readRateLimit: header forms", () => {
  it.each<[string, Record<string, string>, RateLimitInfo]>([
    ["nothing", {}, {}],
    ["Discord reset-after alone (seconds with a fraction)", { "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "0.25" }, { waitMs: 250, remaining: 0, source: "x-ratelimit" }],
    ["IETF -06 fields, reset a delay", { "ratelimit-limit": "100", "ratelimit-remaining": "0", "ratelimit-reset": "30" }, { waitMs: 30_000, remaining: 0, limit: 100, source: "ratelimit" }],
    ["IETF -07 single field", { ratelimit: "limit=100, remaining=0, reset=7" }, { waitMs: 7_000, remaining: 0, limit: 100, source: "ratelimit" }],
    ["IETF -09 structured field with its policy", { ratelimit: '"default";r=0;t=12', "ratelimit-policy": '"default";q=50;w=60' }, { waitMs: 12_000, remaining: 0, limit: 50, source: "ratelimit" }],
    ["epoch reset without Date: measured from now", { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(NOW / 1000 + 90) }, { waitMs: 90_000, retryAt: NOW + 90_000, remaining: 0, source: "x-rate-limit" }],
    ["a reset in the past waits nothing", { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(NOW / 1000 - 5) }, { waitMs: 0, retryAt: NOW - 5_000, remaining: 0, source: "x-rate-limit" }],
    ["Retry-After as an HTTP-date beats a nearer reset", { "retry-after": "Fri, 27 Nov 2026 10:05:00 GMT", "x-ratelimit-reset-after": "10" }, { waitMs: 300_000, retryAt: Date.parse("2026-11-27T10:05:00Z"), source: "retry-after" }],
    ["garbage is ignored", { "retry-after": "soon", "x-ratelimit-remaining": "many", "x-ratelimit-reset": "later" }, {}],
    ["not limited: the first family's figures", { "x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": "2026-11-27T10:05:00Z" }, { waitMs: 300_000, retryAt: Date.parse("2026-11-27T10:05:00Z"), remaining: 299, limit: 300, source: "x-ratelimit" }],
  ])("%s", (_name, headers, expected) => expect(readRateLimit(headers, NOW)).toEqual(expected));

  // A pure classify has no clock: only the answer's own Date measures a wait to an absolute time.
  it.each<[string, Record<string, string>, RateLimitInfo]>([
    ["epoch reset, no Date: the reset only", { "ratelimit-remaining": "0", "ratelimit-reset": "1800000000" }, { retryAt: 1_800_000_000_000, remaining: 0, source: "ratelimit" }],
    ["epoch reset with Date: measured from it", { "ratelimit-remaining": "0", "ratelimit-reset": "1800000000", date: new Date(1_799_999_970_000).toUTCString() }, { waitMs: 30_000, retryAt: 1_800_000_000_000, remaining: 0, source: "ratelimit" }],
    ["a delay needs no clock", { "retry-after": "45", "x-ratelimit-reset-after": "10" }, { waitMs: 45_000, source: "retry-after" }],
    ["Retry-After as an HTTP-date, no Date: the time only", { "retry-after": "Fri, 27 Nov 2026 10:05:00 GMT" }, { retryAt: Date.parse("2026-11-27T10:05:00Z"), source: "retry-after" }],
  ])("without a clock: %s", (_name, headers, expected) => expect(readRateLimit(headers)).toEqual(expected));

  it("reads every shape clients hand headers over in: fetch Headers, arrays, mixed case, numbers", () => {
    const expected = { waitMs: 42_000, remaining: 0, limit: 5, source: "x-ratelimit" };
    expect(readRateLimit(new Headers({ "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "42" }), NOW)).toEqual(expected);
    expect(readRateLimit({ "X-RateLimit-Limit": ["5", "6"], "x-ratelimit-remaining": 0, "x-ratelimit-reset-after": "42" }, NOW)).toEqual(expected);
    expect(readRateLimit(undefined, NOW)).toEqual({});
    expect(readRateLimit({ get: () => { throw new Error("broken"); } }, NOW)).toEqual({});
  });
});

describe("rateLimitedError", () => {
  const wording = { what: "X rate limit reached", scope: "account" as const, defaultWaitMs: 900_000, detail: "429 Too Many Requests" };
  it.each<[RateLimitInfo, Record<string, unknown>, RegExp]>([
    [{ waitMs: 420_000, retryAt: 1778705077000 }, { waitMs: 420_000, retryAt: 1778705077000 }, /posting resumes at 2026-05-13T20:44:37.000Z$/],
    [{ waitMs: 65_000 }, { waitMs: 65_000 }, /posting resumes in 65 s$/],
    [{}, { waitMs: 900_000 }, /no reset time given, waiting 900 s$/],
  ])("%j", (info, fields, message) => {
    const e = rateLimitedError(info, wording);
    expect(e).toMatchObject({ kind: "rate-limited", scope: "account", detail: "429 Too Many Requests", ...fields });
    expect(e.message).toMatch(message);
    if (!("retryAt" in fields)) expect(e.retryAt).toBeUndefined();
  });
});
