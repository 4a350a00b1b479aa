import { describe, expect, it } from "vitest";
import type { FeedState } from "../feeds.js";
import { FeedStateCache } from "./feed-state-cache.js";

const base: FeedState = {
  feedId: "news", etag: '"abc"', lastModified: "Mon, 07 Dec 2026 01:00:00 GMT",
  bodyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", hasHistory: true,
  heldAt: null, heldReason: null, acceptMode: null, lastError: null, errorStreak: 0, lastPolledAt: 1_765_000_000_000,
  lastOkAt: 1_765_000_000_000, nextPollAt: null, demotedAt: null, freshUntil: null, seededRoutes: new Set(["a", "b"]),
  keysDigest: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg",
};

describe("FeedStateCache", () => {
  // Each state comes back field for field as it went in, whichever form the cache kept it in.
  it.each<[string, Partial<FeedState>]>([
    ["a healthy feed (compact forms: dates and digests as numbers and bytes)", {}],
    ["a Last-Modified that is not an IMF date, kept as written", { lastModified: "Monday, 07-Dec-26 01:00:00 GMT" }],
    ["a Last-Modified with a different day name (not what its time prints back to)", { lastModified: "Tue, 07 Dec 2026 01:00:00 GMT" }],
    ["digests in upper case or of another length, kept as written", { bodyHash: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", keysDigest: "short" }],
    ["nothing known yet", { etag: null, lastModified: null, bodyHash: null, keysDigest: null, hasHistory: false, lastPolledAt: null, lastOkAt: null, seededRoutes: new Set() }],
    ["a failing, demoted feed", { lastError: "HTTP 500 from x", errorStreak: 7, nextPollAt: 1_765_000_900_000, demotedAt: 1_765_000_100_000 }],
    ["a held feed the operator accepted", { heldAt: 1_765_000_000_500, heldReason: "flood: 40 new of 50", acceptMode: "post", freshUntil: 1_765_000_060_000 }],
    ["accept mode record, time zero", { acceptMode: "record", lastPolledAt: 0, lastOkAt: 0 }],
    ["an ETag of quoted hex (kept as bytes)", { etag: '"d41d8cd98f00b204e9800998ecf8427e"' }],
    ["a weak ETag of quoted hex, 32 bytes", { etag: `W/"${"ab".repeat(32)}"` }],
    ["ETags kept as written: upper case, odd length, too long, other forms", { etag: '"D41D8CD98F00B204E9800998ECF8427E"' }],
    ["an ETag of 33 bytes of hex", { etag: `"${"ab".repeat(33)}"` }],
    ["an nginx ETag", { etag: '"5f1a2b3c-1d2e"' }],
    ["an empty ETag", { etag: '""' }],
  ])("keeps %s", (_, change) => {
    const cache = new FeedStateCache();
    const state = { ...base, ...change };
    cache.set("news", state);
    cache.set("other", { ...base, feedId: "other", etag: null });
    expect(cache.get("news")).toEqual(state);
    expect(cache.get("news")?.seededRoutes).toBe(state.seededRoutes); // shared, not copied
  });

  it("keeps 10,000 feeds' states apart across its columns' blocks, and after clear() starts afresh", () => {
    const cache = new FeedStateCache();
    const hex = (k: number): string => k.toString(16).padStart(64, "0");
    const state = (k: number): FeedState => ({ ...base, feedId: `f${k}`, etag: `"${hex(k).slice(-32)}"`, bodyHash: hex(k), errorStreak: k % 7, lastPolledAt: 1_765_000_000_000 + k });
    for (let k = 0; k < 10_000; k++) cache.set(`f${k}`, state(k));
    // Block edges: the first block holds 64 slots, each next one 4096.
    for (const k of [0, 63, 64, 65, 4159, 4160, 4161, 8255, 8256, 9999]) expect(cache.get(`f${k}`)).toEqual(state(k));
    cache.clear();
    expect(cache.get("f4096")).toBeUndefined();
    cache.set("f4096", { ...state(1), feedId: "f4096" });
    expect(cache.get("f4096")).toEqual({ ...state(1), feedId: "f4096" });
  });

  it("a cache of one feed allocates a small first block of columns (a poll of a few feeds), not a whole block", () => {
    const before = process.memoryUsage().arrayBuffers;
    const cache = new FeedStateCache();
    cache.set("news", base);
    expect(cache.get("news")).toEqual(base);
    // A whole block of 4096 slots is ~670 KB of typed arrays (8 times and 3 packed strings of 32 bytes a slot).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024);
  });

  it("answers null for a feed the store does not know and undefined for one it does not hold", () => {
    const cache = new FeedStateCache();
    cache.set("gone", null);
    expect(cache.get("gone")).toBeNull();
    expect(cache.get("never")).toBeUndefined();
  });

  it("records a poll's times in place, and forgets a feed with everything it held", () => {
    const cache = new FeedStateCache();
    cache.set("news", { ...base, lastError: "timeout", errorStreak: 2, nextPollAt: 5 });
    expect(cache.polled("news", 1_765_000_300_000, 1_765_000_360_000, false)).toBe(true);
    expect(cache.get("news")).toEqual({ ...base, lastPolledAt: 1_765_000_300_000, lastOkAt: 1_765_000_300_000, freshUntil: 1_765_000_360_000 });
    expect(cache.polled("unknown", 1, null, true)).toBe(false);
    cache.forget("news");
    expect(cache.get("news")).toBeUndefined();
    cache.set("news", { ...base, etag: null, bodyHash: null, keysDigest: null, lastModified: null });
    expect(cache.get("news")).toMatchObject({ etag: null, bodyHash: null, keysDigest: null, lastModified: null, lastError: null });
  });

  it("skips the row write only for a healthy feed whose stored poll time is recent", () => {
    const cache = new FeedStateCache();
    cache.set("news", base);
    const t = base.lastPolledAt ?? 0;
    expect(cache.onlyPollTimesChange("news", t + 1_000, null, 60_000)).toBe(true);
    expect(cache.onlyPollTimesChange("news", t + 1_000, t + 9_000, 60_000)).toBe(false); // freshness changes
    expect(cache.onlyPollTimesChange("news", t + 60_000, null, 60_000)).toBe(false); // stored time too old
    cache.polled("news", t + 30_000, null, false); // not written: the stored time stays
    expect(cache.onlyPollTimesChange("news", t + 61_000, null, 60_000)).toBe(false);
    cache.set("bad", { ...base, feedId: "bad", errorStreak: 1, lastError: "x" });
    expect(cache.onlyPollTimesChange("bad", t + 1_000, null, 60_000)).toBe(false);
  });

  it("holds many feeds through its growth, and none after clear", () => {
    const cache = new FeedStateCache();
    for (let k = 0; k < 1000; k++) cache.set(`f${k}`, { ...base, feedId: `f${k}`, errorStreak: k, lastPolledAt: k });
    for (let k = 0; k < 1000; k += 97) expect(cache.get(`f${k}`)).toEqual({ ...base, feedId: `f${k}`, errorStreak: k, lastPolledAt: k });
    cache.clear();
    expect(cache.get("f1")).toBeUndefined();
    cache.set("f1", base);
    expect(cache.get("f1")).toEqual({ ...base, feedId: "f1" });
  });
});
