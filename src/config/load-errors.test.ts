/** What the operator reads when a config is wrong or leaves nothing to do. */
import { describe, expect, it } from "vitest";
import { scaled } from "../../test/support/timing.js";
import { consoleAdapter } from "../../adapters/console/index.js";
import { telegramAdapter } from "../../adapters/telegram/index.js";
import type { AnyAdapter } from "../core/adapter.js";
import { ConfigError, configWarnings, parseConfig, type AdapterRegistry } from "./load.js";

const adapters: AdapterRegistry = new Map<string, AnyAdapter>([
  ["console", consoleAdapter],
  ["telegram", telegramAdapter as AnyAdapter],
]);
const FILE = "/srv/crier/crier.yaml";
const parse = (...lines: string[]) => parseConfig(`${lines.join("\n")}\n`, FILE, { env: {}, adapters });
const problemsOf = (...lines: string[]): string[] => {
  try {
    parse(...lines);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("the config was accepted");
};

describe("unknown keys: did you mean", () => {
  it.each([
    ["top level", ["storge: {}"], "line 1: storge: unknown key; did you mean `storage`?"],
    ["nested top-level section", ["storage: { pth: x.db }"], "line 1: storage.pth: unknown key; did you mean `path`?"],
    ["feed", ["feeds:", "  - { id: a, url: a.xml, scheduel: '* * * * *' }"], "line 2: feeds[0].scheduel: unknown key; did you mean `schedule`?"],
    ["feed's image", ["feeds:", "  - id: a", "    url: a.xml", "    image: { minWidht: 10 }"], "line 4: feeds[0].image.minWidht: unknown key; did you mean `minWidth`?"],
    ["destination's common key", ["destinations:", "  - { id: o, platform: console, maxLenght: 10 }"], "line 2: destinations[0].maxLenght: unknown key; did you mean `maxLength`?"],
    ["destination's platform key", ["destinations:", "  - { id: t, platform: telegram, botToken: x, chatID: 1 }"], "line 2: destinations[0].chatID: unknown key; did you mean `chatId`?"],
    ["route", ["routes:", "  - { feed: a, too: [b] }"], "line 2: routes[0].too: unknown key; did you mean `to`?"],
    ["nothing close", ["feeds:", "  - { id: a, url: a.xml, colour: red }"], "line 2: feeds[0].colour: unknown key"],
  ])("%s", (_name, lines, expected) => {
    expect(problemsOf(...lines)).toContain(expected);
  });

  it("an unknown top-level key does not hide the problems of the lists", () => {
    expect(problemsOf("storge: {}", "feeds:", "  - { id: a, url: a.xml, scheduel: x }")).toEqual([
      "line 1: storge: unknown key; did you mean `storage`?",
      "line 3: feeds[0].scheduel: unknown key; did you mean `schedule`?",
    ]);
  });
});

describe("the problem list", () => {
  it("is in the order of the file, and says 1 problem / 2 problems", () => {
    const err = (() => {
      try {
        parse("feeds:", "  - { id: a, url: a.xml, timezone: Mars/Olympus }", "destinations:", "  - { id: o, platform: console }", "routes:", "  - { feed: nosuch, to: [o] }", "alerts: { destination: ghost }");
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("accepted");
    })();
    expect(err.problems.map((p) => p.slice(0, 7))).toEqual(["line 2:", "line 6:", "line 7:"]);
    expect(err.message).toMatch(/: 3 problems in the config:/);
    expect(() => parse("storge: {}")).toThrow(/: 1 problem in the config:/);
  });
});

describe("YAML aliases, bounded by the `yaml` package", () => {
  it("refuses an alias bomb by count, quickly", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghi".split("").map((l, i) => `${l}: &${l} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)];
    const started = Date.now();
    expect(problemsOf(...levels)).toEqual([expect.stringMatching(/^YAML: Excessive alias count/)]);
    expect(Date.now() - started).toBeLessThan(scaled(2000));
  });

  it("lets thousands of routes share one anchor, and merges `<<: *defaults`", () => {
    const feeds = Array.from({ length: 1999 }, (_, i) => `  - { <<: *feed, id: f${i + 1}, url: f${i + 1}.xml }`);
    const routes = Array.from({ length: 1999 }, (_, i) => `  - { feed: f${i + 1}, to: *all }`);
    const config = parse(
      "feeds:", "  - &feed { id: f0, url: f0.xml, schedule: '*/10 * * * *', backlog: 2 }", ...feeds,
      "destinations:", "  - { id: o, platform: console }",
      "routes:", "  - { feed: f0, to: &all [o] }", ...routes,
    );
    expect(config.feeds).toHaveLength(2000);
    expect(config.feeds[1999]).toMatchObject({ id: "f1999", schedule: "*/10 * * * *", backlog: 2 });
    expect(config.routes.get("f1999")).toEqual(["o"]);
  });
});

describe("configWarnings", () => {
  it.each([
    ["an empty file", [""], ["no feeds: there is nothing to poll (add feeds, destinations and routes; see README \"Configuration\")"]],
    ["feeds but no destination", ["feeds:", "  - { id: a, url: a.xml }"], [expect.stringMatching(/^no destinations: nothing will be posted/)]],
    ["a feed without a route", ["feeds:", "  - { id: a, url: a.xml }", "  - { id: b, url: b.xml }", "destinations:", "  - { id: o, platform: console }", "routes:", "  - { feed: a, to: [o] }"], ["feed b has no route: new items are recorded, never posted (add routes: - { feed: ID, to: [DESTINATION] })"]],
    ["a disabled feed without a route is fine", ["feeds:", "  - { id: a, url: a.xml }", "  - { id: b, url: b.xml, enabled: false }", "destinations:", "  - { id: o, platform: console }", "routes:", "  - { feed: a, to: [o] }"], []],
    ["every feed disabled", ["feeds:", "  - { id: a, url: a.xml, enabled: false }", "destinations:", "  - { id: o, platform: console }", "routes:", "  - { feed: a, to: [o] }"], ["every feed is disabled (enabled: false): there is nothing to poll"]],
  ])("%s", (_name, lines, expected) => {
    expect(configWarnings(parse(...lines))).toEqual(expected);
  });
});
