/** Route filters at config load: patterns compiled once, those needing backtracking refused by line and path. */
import { describe, expect, it } from "vitest";
import { consoleAdapter } from "../../adapters/console/index.js";
import { ConfigError, parseConfig } from "./load.js";

const adapters = new Map([["console", consoleAdapter]]);
const config = (regex: string): string =>
  [
    /* 1 */ "feeds:",
    /* 2 */ "  - { id: blog, url: feed.xml }",
    /* 3 */ "destinations:",
    /* 4 */ "  - { id: out, platform: console }",
    /* 5 */ "  - { id: out-2, platform: console }",
    /* 6 */ "routes:",
    /* 7 */ "  - feed: blog",
    /* 8 */ "    to: [out]",
    /* 9 */ "  - feed: blog",
    /* 10 */ "    to: [out-2]",
    /* 11 */ "    filter:",
    /* 12 */ "      exclude:",
    /* 13 */ `        regex: ${JSON.stringify(regex)}`,
    "",
  ].join("\n");
const parse = (text: string) => parseConfig(text, "/srv/crier.yaml", { env: {}, adapters });

function problemsOf(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("route filter patterns at config load", () => {
  it.each<[string, string]>([
    ["(?<=the )budget", "line 13: routes[1].filter.exclude.regex: lookbehind is not supported (filters run in linear time): /(?<=the )budget/"],
    ["budget(?! cuts)", "line 13: routes[1].filter.exclude.regex: lookahead is not supported (filters run in linear time): /budget(?! cuts)/"],
    ["(\\w+) \\1", "line 13: routes[1].filter.exclude.regex: a backreference is not supported (filters run in linear time): /(\\w+) \\1/"],
    ["x{2000}", "line 13: routes[1].filter.exclude.regex: /x{2000}/ is not supported by RE2, the linear-time engine filters use: invalid repeat count: `{2000}`"],
    ["([", "line 13: routes[1].filter.exclude.regex: must be a valid regular expression: Unterminated character class"],
  ])("refuses /%s/ with the reason, the route and its line", (regex, expected) => {
    const problems = problemsOf(config(regex));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it("compiles an accepted pattern once, into the route's filter", () => {
    const loaded = parse(config("(a+)+$"));
    const regex = loaded.routeFilters.get("blog")?.get("out-2")?.exclude?.regex;
    expect(regex?.source).toBe("(a+)+$");
    expect(regex?.test(`${"a".repeat(30)}!`)).toBe(false);
    expect(regex?.test("Banana")).toBe(true);
    expect(loaded.routeFilters.get("blog")?.has("out")).toBe(false);
  });
});
