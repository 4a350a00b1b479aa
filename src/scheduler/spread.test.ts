import { describe, expect, it } from "vitest";
import { spreadOut } from "./spread.js";

const feeds = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `feed-${i}` }));

describe("spreadOut", () => {
  it("gives each feed a fixed offset within the window, sorted, the same every interval", () => {
    const a = spreadOut(feeds(500), 60_000);
    expect(a).toHaveLength(500);
    expect(a.every((x) => x.offset >= 0 && x.offset < 60_000)).toBe(true);
    expect(a.map((x) => x.offset)).toEqual([...a.map((x) => x.offset)].sort((x, y) => x - y));
    const again = new Map(spreadOut([...feeds(500)].reverse(), 60_000).map((x) => [x.feed.id, x.offset]));
    expect(a.every((x) => again.get(x.feed.id) === x.offset)).toBe(true);
  });

  it("spreads 10,000 feeds evenly: no second of a 5-minute window gets more than twice its share", () => {
    const perSecond = new Map<number, number>();
    for (const { offset } of spreadOut(feeds(10_000), 300_000)) perSecond.set(Math.floor(offset / 1000), (perSecond.get(Math.floor(offset / 1000)) ?? 0) + 1);
    const share = 10_000 / 300;
    expect(perSecond.size).toBe(300);
    expect(Math.max(...perSecond.values())).toBeLessThan(2 * share);
  });

  it("starts everything at once with no window", () => {
    expect(spreadOut(feeds(3), 0).map((x) => x.offset)).toEqual([0, 0, 0]);
  });
});
