// The harness's limiters and id generators are pure: tables, and a check against the servers'
// own implementations they replace (same inputs, same outputs).
import { describe, expect, it } from "vitest";
import { Snowflakes, snowflakeTime as discordTime } from "./discord-api/ids.js";
import { SnowflakeIds } from "./x-api/ids.js";
import { FixedWindowLimiter as XLimiter } from "./x-api/ratelimit.js";
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

  it("behaves as the X and Mastodon servers' own limiters on the same requests", () => {
    const x = new XLimiter(3, 900_000);
    const first = new WindowLimiter({ limit: 3, windowMs: 900_000 });
    const aligned = new WindowLimiter({ limit: 3, windowMs: 300_000, mode: "aligned" });
    // What test/loopback/mastodon-api/ratelimit.ts's AlignedWindowLimiter (replaced by the harness)
    // answered for these requests: [offset, allowed, remaining, reset − T].
    const mastodon = [[0, true, 2, 100_000], [1, true, 1, 100_000], [2, true, 0, 100_000], [3, false, 0, 100_000], [299_999, true, 2, 400_000], [300_001, true, 1, 400_000], [900_000, true, 2, 1_000_000], [900_001, true, 1, 1_000_000]];
    for (const [offset, ...expected] of mastodon) {
      const at = T + Number(offset);
      const a = x.take("u", at);
      const b = first.take("u", at);
      expect([b.allowed, b.remaining, Math.ceil(b.resetAt / 1000)]).toEqual([a.allowed, a.remaining, a.reset]);
      const d = aligned.take("t", at);
      expect([d.allowed, d.remaining, d.resetAt - T]).toEqual(expected);
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

  it.each([
    ["Discord", DISCORD_SNOWFLAKE, () => { const s = new Snowflakes(); return (ms: number) => s.next(ms); }],
    ["X", X_SNOWFLAKE, () => { const s = new SnowflakeIds(); return (ms: number) => s.next(ms); }],
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
    expect(snowflakeTime("175928847299117063", DISCORD_SNOWFLAKE)).toBe(discordTime("175928847299117063"));
  });
});
