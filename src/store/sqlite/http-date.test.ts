import { describe, expect, it } from "vitest";
import { httpDate } from "./http-date.js";

describe("httpDate", () => {
  it.each([
    ["the epoch", 0],
    ["a leap day", Date.UTC(2024, 1, 29, 23, 59, 59)],
    ["the day after", Date.UTC(2024, 2, 1)],
    ["a century not leap", Date.UTC(2100, 1, 28, 12)],
    ["a 400-year leap", Date.UTC(2000, 1, 29, 1, 2, 3)],
    ["before the epoch", Date.UTC(1969, 11, 31, 23, 59, 59)],
    ["year 1000", Date.UTC(1000, 0, 1)],
    ["year 9999, last second", Date.UTC(9999, 11, 31, 23, 59, 59)],
  ])("prints %s as Date#toUTCString does", (_what, ms) => {
    expect(httpDate(ms)).toBe(new Date(ms).toUTCString());
  });

  it("agrees with Date#toUTCString on 100,000 random whole seconds of 1900-2200", () => {
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2200, 0, 1);
    for (let k = 0; k < 100_000; k++) {
      const ms = from + Math.floor((Math.random() * (to - from)) / 1000) * 1000;
      if (httpDate(ms) !== new Date(ms).toUTCString()) expect([ms, httpDate(ms)]).toEqual([ms, new Date(ms).toUTCString()]);
    }
  });

  it.each([
    ["milliseconds", 1_500],
    ["year 999", Date.UTC(999, 11, 31)],
    ["year 10000", Date.UTC(10000, 0, 1)],
    ["NaN", NaN],
  ])("answers null for %s (kept as text by the cache)", (_what, ms) => {
    expect(httpDate(ms)).toBeNull();
  });
});
