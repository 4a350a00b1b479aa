import { describe, expect, it } from "vitest";
import { compilePattern, type TextPattern } from "./pattern.js";

function compiled(source: string): TextPattern {
  const r = compilePattern(source);
  if (!r.ok) throw new Error(r.reason);
  return r.pattern;
}

describe("compilePattern: what it accepts matches as RegExp with the \"iu\" flags did", () => {
  it.each<[string, string, boolean]>([
    ["^council\\b", "Council approves the budget", true],
    ["^council\\b", "Councillors meet", false],
    ["sponsored|advert", "An ADVERT for you", true],
    ["^breaking:", "Not breaking: news", false],
    ["été", "L'ÉTÉ indien", true],
    ["\\u00e9t\\u00e9", "Été", true],
    ["\\u{1F389}", "Launch 🎉 day", true],
    ["^\\p{Lu}", "Ärger im Rat", true],
    ["(?<year>\\d{4})-\\d{2}", "budget for 2026-11", true],
    ["\\$\\d+", "costs $5", true],
    ["a/b", "either a/b", true],
    ["[(?=]x", "(x", true],
    ["\\(?=x", "a =x", true],
    ["^Новости", "новости дня", true],
    ["世界$", "你好世界", true],
    ["", "anything", true],
    ["x{2,5}", "axxb", true],
  ])("/%s/ on %j: %s", (source, text, expected) => {
    expect(compiled(source).test(text)).toBe(expected);
    expect(new RegExp(source, "iu").test(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ["(a+)+$", `${"a".repeat(30)}!`],
    ["(a+)+$", `${"a".repeat(100_000)}!`],
    ["(x+x+)+y", "x".repeat(100_000)],
    ["^(\\w+\\s?)*$", `${"word ".repeat(20_000)}!`],
  ])("/%s/ on a text that makes a backtracking engine explode: no match, in linear time", (source, text) => {
    expect(compiled(source).test(text)).toBe(false);
  });

  it("keeps the source for the filter's reason", () => {
    expect(compiled("^council\\b").source).toBe("^council\\b");
  });
});

describe("compilePattern: what it refuses, and why", () => {
  it.each<[string, string]>([
    ["foo(?=bar)", "lookahead is not supported (filters run in linear time): /foo(?=bar)/; write the pattern without lookaround or backreferences"],
    ["foo(?!bar)", "lookahead is not supported (filters run in linear time): /foo(?!bar)/"],
    ["(?<=\\$)\\d+", "lookbehind is not supported (filters run in linear time): /(?<=\\$)\\d+/"],
    ["(?<!no )news", "lookbehind is not supported (filters run in linear time)"],
    ["(\\w)\\1", "a backreference is not supported (filters run in linear time)"],
    ["(?<w>\\w)\\k<w>", "a backreference is not supported (filters run in linear time)"],
    ["a{1001}", "/a{1001}/ is not supported by RE2, the linear-time engine filters use: invalid repeat count: `{1001}`"],
    ["((a{100}){100}){100}", "invalid repeat count"],
    ["([", "must be a valid regular expression: Unterminated character class"],
    ["(?i)x", "must be a valid regular expression: Invalid group"],
    ["\\z", "must be a valid regular expression: Invalid escape"],
  ])("/%s/", (source, reason) => {
    const r = compilePattern(source);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.reason).toContain(reason);
  });
});
