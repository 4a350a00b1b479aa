import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { spreadOut, SPREAD_STEP_MS } from "./spread.js";

const feeds = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `feed-${i}` }));

describe("spreadOut", () => {
  it("gives each feed a fixed offset within the window, sorted, the same every interval", () => {
    const a = [...spreadOut(feeds(500), 60_000)];
    expect(a).toHaveLength(500);
    expect(a.every((x) => x.offset >= 0 && x.offset < 60_000)).toBe(true);
    expect(a.map((x) => x.offset)).toEqual([...a.map((x) => x.offset)].sort((x, y) => x - y));
    const again = new Map([...spreadOut([...feeds(500)].reverse(), 60_000)].map((x) => [x.feed.id, x.offset]));
    expect(a.every((x) => again.get(x.feed.id) === x.offset)).toBe(true);
  });

  it("places a feed by the first four bytes of its id's SHA-1, as every earlier version did (an upgrade moves no feed's poll time)", () => {
    const ids = ["news", "feed-7", "ü-feed", "x".repeat(300)];
    const placed = new Map([...spreadOut(ids.map((id) => ({ id })), 600_000)].map((x) => [x.feed.id, x.offset]));
    for (const id of ids) {
      const fraction = (createHash("sha1").update(id).digest().readInt32BE(0) >>> 0) / 2 ** 32;
      expect(placed.get(id), id).toBe(Math.floor((fraction * 600_000) / SPREAD_STEP_MS) * SPREAD_STEP_MS);
    }
  });

  it("spreads 10,000 feeds evenly: no second of a 5-minute window gets more than twice its share", () => {
    const perSecond = new Map<number, number>();
    for (const { offset } of spreadOut(feeds(10_000), 300_000)) perSecond.set(Math.floor(offset / 1000), (perSecond.get(Math.floor(offset / 1000)) ?? 0) + 1);
    const share = 10_000 / 300;
    expect(perSecond.size).toBe(300);
    expect(Math.max(...perSecond.values())).toBeLessThan(2 * share);
  });

  it.each([
    [10_000, 300_000, 1000],
    [100_000, 300_000, 1000],
    [50, 2000, 200],
  ])("starts %i feeds over %i ms a step (%i ms) at a time: one wake-up per step, not per feed", (n, spreadMs, step) => {
    const offsets = [...spreadOut(feeds(n), spreadMs)].map((x) => x.offset);
    expect(offsets.every((o) => o % step === 0 && o < spreadMs)).toBe(true);
    expect(new Set(offsets).size).toBeLessThanOrEqual(spreadMs / step);
  });

  it("starts everything at once with no window", () => {
    expect([...spreadOut(feeds(3), 0)].map((x) => x.offset)).toEqual([0, 0, 0]);
  });
});
