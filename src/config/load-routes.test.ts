/**
 * Routes as a loaded config keeps them (src/config/load-routes.ts): the same pair twice is merged
 * unless a filter makes it ambiguous, and feeds routed alike share one list that merging never changes.
 */
import { describe, expect, it } from "vitest";
import { consoleAdapter } from "../../adapters/console/index.js";
import { ConfigError, parseConfig } from "./load.js";

const adapters = new Map([["console", consoleAdapter]]);
const HEAD = ["feeds:", "  - { id: a, url: a.xml }", "  - { id: b, url: b.xml }", "destinations:", "  - { id: o, platform: console }", "  - { id: p, platform: console }", "routes:"];
const load = (routes: string[]) => parseConfig(`${[...HEAD, ...routes].join("\n")}\n`, "/srv/crier/crier.yaml", { env: {}, adapters });
const problemsOf = (routes: string[]): string[] => {
  try {
    load(routes);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};
const FILTER = "filter: { include: { keywords: [x] } }";

describe("routing one pair twice", () => {
  it.each([
    ["without filters: merged", ["  - { feed: a, to: [o] }", "  - { feed: a, to: [o, p] }"], []],
    ["the second with a filter", ["  - { feed: a, to: [o] }", `  - { feed: a, to: [o], ${FILTER} }`], ["line 9: routes[1].to[0]: a -> o is already routed in routes[0], and a filter makes it ambiguous"]],
    ["the first with a filter", [`  - { feed: a, to: [o], ${FILTER} }`, "  - { feed: a, to: [o] }"], ["line 9: routes[1].to[0]: a -> o is already routed in routes[0], and a filter makes it ambiguous"]],
    ["twice in one filtered route", [`  - { feed: a, to: [o, o], ${FILTER} }`], ["line 8: routes[0].to[1]: a -> o is already routed in routes[0], and a filter makes it ambiguous"]],
    [
      "the latest earlier route is named",
      ["  - { feed: a, to: [o] }", `  - { feed: a, to: [p], ${FILTER} }`, "  - { feed: a, to: [o, p] }", "  - { feed: b, to: [o] }"],
      ["line 10: routes[2].to[1]: a -> p is already routed in routes[1], and a filter makes it ambiguous"],
    ],
    [
      "indexes as written when an entry before is invalid",
      ["  - { feed: a }", "  - { feed: a, to: [o] }", `  - { feed: a, to: [o], ${FILTER} }`],
      ["line 8: routes[0].to: required", "line 10: routes[2].to[0]: a -> o is already routed in routes[1], and a filter makes it ambiguous"],
    ],
  ])("%s", (_name, routes, expected) => {
    expect(problemsOf(routes)).toEqual(expected);
  });
});

describe("route lists", () => {
  it("are shared by feeds routed alike, and a feed's second route does not change the others' list", () => {
    const config = load(["  - { feed: a, to: [o] }", "  - { feed: b, to: [o] }", "  - { feed: b, to: [p, o] }"]);
    expect(config.routes.get("a")).toEqual(["o"]);
    expect(config.routes.get("b")).toEqual(["o", "p"]);
    const alike = load(["  - { feed: a, to: [o, p] }", "  - { feed: b, to: [o] }", "  - { feed: b, to: [p] }"]);
    expect(alike.routes.get("a")).toEqual(["o", "p"]);
    expect(alike.routes.get("b")).toBe(alike.routes.get("a"));
  });
});
