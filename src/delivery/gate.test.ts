import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nextSendTime, quietEndsAt } from "./gate.js";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

describe("nextSendTime", () => {
  it.each([
    ["no history", [], [{ posts: 2, windowMs: 1000 }], 0, T0],
    ["room left in the window", [T0 - 500], [{ posts: 2, windowMs: 1000 }], 0, T0],
    ["window full: wait for the oldest to leave", [T0 - 900, T0 - 100], [{ posts: 2, windowMs: 1000 }], 0, T0 + 100],
    ["spacing", [T0 - 100], [], 300, T0 + 200],
    ["two windows: the longer one binds", [T0 - 50_000, T0 - 100], [{ posts: 5, windowMs: 1000 }, { posts: 2, windowMs: 60_000 }], 0, T0 + 10_000],
  ])("%s", (_name, times, windows, spacing, expected) => {
    expect(nextSendTime({ now: T0, sendTimes: times, windows, minSpacingMs: spacing })).toBe(expected);
  });

  it("waits for the end of quiet hours, across midnight and in the zone given", () => {
    // 12:00 UTC = 13:00 in Berlin (winter), inside 12:30-14:00 local.
    expect(quietEndsAt({ from: "12:30", to: "14:00", timezone: "Europe/Berlin" }, T0)).toBe(T0 + 60 * 60_000);
    expect(quietEndsAt({ from: "23:00", to: "07:00", timezone: "UTC" }, Date.UTC(2026, 10, 27, 23, 30))).toBe(Date.UTC(2026, 10, 28, 7, 0));
    expect(quietEndsAt({ from: "23:00", to: "07:00", timezone: "UTC" }, T0)).toBe(T0);
  });

  it("property: a sender that obeys the gate never exceeds any budget in any window, nor the spacing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ posts: fc.integer({ min: 1, max: 5 }), windowMs: fc.integer({ min: 10, max: 2000 }) }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 40 }),
        (windows, spacing, arrivals) => {
          // Posts become due at random gaps; each goes out at the gate's time, as the deliver stage does.
          const sent: number[] = [];
          let now = T0;
          for (const gap of arrivals) {
            now += gap;
            const at = nextSendTime({ now, sendTimes: sent, windows, minSpacingMs: spacing });
            expect(at).toBeGreaterThanOrEqual(now);
            sent.push(at);
            now = at;
          }
          for (let i = 0; i < sent.length; i++) {
            const t = sent[i] ?? 0;
            if (i > 0) expect(t - (sent[i - 1] ?? 0)).toBeGreaterThanOrEqual(spacing);
            for (const w of windows) {
              expect(sent.filter((u) => u > t - w.windowMs && u <= t).length).toBeLessThanOrEqual(w.posts);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
