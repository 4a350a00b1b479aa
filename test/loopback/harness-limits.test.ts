// The harness's limiters and id generators are pure: tables, and a check against the servers'
// own implementations they replace (same inputs, same outputs).
import { describe, expect, it } from "vitest";
import { DISCORD_SNOWFLAKE, X_SNOWFLAKE, sequentialIds, snowflakeIds, snowflakeTime } from "./harness-ids.js";
import { WindowLimiter, secondsUntil, type WindowMode } from "./harness-limits.js";

const T = 1_700_000_000_000;

describe("WindowLimiter", () => {
  it.each<[WindowMode, number[], Array<[boolean, number, number]>]>([
    // 2 per 1000 ms, requests at these offsets → [allowed, remaining, resetAt offset]
    ["from-first", [0, 10, 20, 999, 1000], [[true, 1, 1000], [true, 0, 1000], [false, 0, 1000], [false, 0, 1000], [true, 1, 2000]]],
    ["aligned", [400, 500, 600, 1000], [[true, 1, 1000], [true, 0, 1000], [false, 0, 1000], [true, 1, 2000]]],
    ["sliding", [0, 600, 700, 1001, 1200], [[true, 1, 1000], [true, 0, 1000], [false, 0, 1000], [true, 0, 1600], [false, 0, 1600]]],
  ])("%s", (mode, offsets, expected) => {
    const limiter = new WindowLimiter({ limit: 2, windowMs: 1000, mode });
    const got = offsets.map((o) => limiter.take("k", T + o)).map((s) => [s.allowed, s.remaining, s.resetAt - T]);
    expect(got).toEqual(expected);
  });

  it("peek counts nothing; keys are independent", () => {
    const limiter = new WindowLimiter({ limit: 1, windowMs: 1000 });
    expect(limiter.peek("a", T)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.take("a", T)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.peek("a", T + 1)).toMatchObject({ allowed: false, remaining: 0 });
    expect(limiter.take("b", T + 1)).toMatchObject({ allowed: true });
  });

  it("behaves as the X and Mastodon servers' own limiters (which it replaced) on the same requests", () => {
    const first = new WindowLimiter({ limit: 3, windowMs: 900_000 });
    const aligned = new WindowLimiter({ limit: 3, windowMs: 300_000, mode: "aligned" });
    // What x-api/ratelimit.ts's FixedWindowLimiter [allowed, remaining, reset in epoch seconds] and
    // mastodon-api/ratelimit.ts's AlignedWindowLimiter [allowed, remaining, reset − T] answered.
    const answered: Array<[number, [boolean, number, number], [boolean, number, number]]> = [
      [0, [true, 2, 1_700_000_900], [true, 2, 100_000]],
      [1, [true, 1, 1_700_000_900], [true, 1, 100_000]],
      [2, [true, 0, 1_700_000_900], [true, 0, 100_000]],
      [3, [false, 0, 1_700_000_900], [false, 0, 100_000]],
      [299_999, [false, 0, 1_700_000_900], [true, 2, 400_000]],
      [300_001, [false, 0, 1_700_000_900], [true, 1, 400_000]],
      [900_000, [true, 2, 1_700_001_800], [true, 2, 1_000_000]],
      [900_001, [true, 1, 1_700_001_800], [true, 1, 1_000_000]],
    ];
    for (const [offset, x, mastodon] of answered) {
      const b = first.take("u", T + offset);
      expect([b.allowed, b.remaining, Math.ceil(b.resetAt / 1000)]).toEqual(x);
      const d = aligned.take("t", T + offset);
      expect([d.allowed, d.remaining, d.resetAt - T]).toEqual(mastodon);
    }
  });

  it("refuses a nonsense window", () => {
    expect(() => new WindowLimiter({ limit: 1, windowMs: 0 })).toThrow(/invalid window/);
  });

  it.each([[T + 1500, T, 1, 2], [T, T, 1, 1], [T + 100, T, 0, 1]])("secondsUntil(%i, %i, min %i) = %i", (at, now, min, s) => {
    expect(secondsUntil(at, now, min)).toBe(s);
  });
});

describe("ids", () => {
  it("sequential ids count per key", () => {
    const next = sequentialIds();
    expect([next("a"), next("a"), next("b"), next()]).toEqual(["1", "2", "1", "1"]);
    expect(sequentialIds(1000)()).toBe("1000");
  });

  // What the Discord server's own generator (discord-api/ids.ts, replaced by these) made for the same times.
  const DISCORD_BEFORE = ["1174109840998535168", "1174109840998535169", "1174109840998535170", "1174109841002729472", "1174109841002729473", "1174109841019506688", "1174109841019506689"];

  it.each([
    ["Discord", DISCORD_SNOWFLAKE, () => { let i = 0; return (_ms: number) => DISCORD_BEFORE[i++] ?? ""; }],
    // What x-api/ids.ts's SnowflakeIds (replaced by the harness) made for these times.
    ["X", X_SNOWFLAKE, () => {
      const made = ["1724551110456246272", "1724551110456246273", "1724551110456246274", "1724551110460440576", "1724551110460440577", "1724551110477217792", "1724551110477217793"];
      return () => made.shift() ?? "";
    }],
  ])("%s snowflakes are the ones the server makes today, increasing within a millisecond", (_name, shape, theirs) => {
    const ours = snowflakeIds(shape);
    const old = theirs();
    const times = [T, T, T, T + 1, T + 1, T + 5, T + 3];
    const a = times.map((t) => ours(t));
    expect(a).toEqual(times.map((t) => old(t)));
    expect([...a].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))).toEqual(a);
    expect(snowflakeTime(a[0] ?? "", shape)).toBe(T);
  });

  it("the Discord shape matches Discord's documented example and the server's time function", () => {
    // https://discord.com/developers/docs/reference#snowflakes: 175928847299117063 → 2016-04-30 11:18:25.796 UTC.
    expect(new Date(snowflakeTime("175928847299117063", DISCORD_SNOWFLAKE)).toISOString()).toBe("2016-04-30T11:18:25.796Z");
    // The server's time function gave ("175928847299117063" >> 22) + 1420070400000.
    expect(snowflakeTime("175928847299117063", DISCORD_SNOWFLAKE)).toBe(1462015105796);
  });
});
