/**
 * Long lists read in chunks (./yaml-lists.ts): the loaded config and every problem (its line, its
 * path) are what parsing the whole text gives; texts the chunked reading is unsure of are parsed whole.
 */
import { describe, expect, it, vi } from "vitest";
import jsYaml from "js-yaml";
import { consoleAdapter } from "../../adapters/console/index.js";
import { ConfigError, parseConfig } from "./load.js";
import { splitLists } from "./yaml-lists.js";

const adapters = new Map([["console", consoleAdapter]]);
const load = (text: string) => parseConfig(text, "/srv/crier/crier.yaml", { env: {}, adapters });
const problemsOf = (text: string): string[] => {
  try {
    load(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("the config was accepted");
};
/** 2,500 feeds and routes (three chunks each); `feed(k)` / `route(k)` may replace an entry's line. */
function config(opts: { feed?: (k: number) => string | undefined; route?: (k: number) => string | undefined; eol?: string; indent?: string } = {}): string {
  const ind = opts.indent ?? "  ";
  const lines = ["storage: { path: crier.db }", "feeds:"];
  for (let k = 0; k < 2500; k++) lines.push(opts.feed?.(k) ?? `${ind}- { id: f${k}, url: "https://example.com/${k}.xml" }`);
  lines.push("destinations:", "  - { id: out, platform: console }", "routes:");
  for (let k = 0; k < 2500; k++) lines.push(opts.route?.(k) ?? `${ind}- { feed: f${k}, to: [out] }`);
  return `${lines.join(opts.eol ?? "\n")}${opts.eol ?? "\n"}`;
}
const FEED_LINE = (k: number): number => k + 3;
const ROUTE_LINE = (k: number): number => 2500 + 6 + k;

describe("a config with long lists", () => {
  it.each([
    ["as usual", {}],
    ["entries at the key's indentation", { indent: "" }],
    ["CRLF line ends", { eol: "\r\n" }],
    ["comments and blank lines between entries", { feed: (k: number) => (k === 1200 ? `  # a comment\n\n  - { id: f${k}, url: "https://example.com/${k}.xml" }` : undefined) }],
    ["an entry over several lines", { feed: (k: number) => (k === 1000 ? `  - id: f${k}\n    url: >-\n      https://example.com/${k}.xml` : undefined) }],
    ["an alias to an anchor in an earlier chunk (read whole)", { feed: (k: number) => (k === 0 ? `  - &first { id: f0, url: "https://example.com/0.xml" }` : k === 2100 ? `  - { <<: *first, id: f2100, url: "https://example.com/2100.xml" }` : undefined) }],
  ])("loads every entry: %s", (_name, opts) => {
    const loaded = load(config(opts));
    expect(loaded.feeds).toHaveLength(2500);
    expect(loaded.feeds[2100]).toMatchObject({ id: "f2100", url: "https://example.com/2100.xml", source: { kind: "http", url: "https://example.com/2100.xml" } });
    expect(loaded.feeds.map((f) => f.id)).toEqual(Array.from({ length: 2500 }, (_, k) => `f${k}`));
    expect(loaded.routes.get("f2499")).toEqual(["out"]);
  });

  it("reports problems in later chunks by their line and index", () => {
    const text = config({
      feed: (k) => (k === 1500 ? `  - { id: f${k}, url: "https://example.com/${k}.xml", colour: red }` : k === 2400 ? "  - { id: f1, url: x.xml }" : undefined),
      route: (k) => (k === 2200 ? "  - { feed: nosuch, to: [out] }" : undefined),
    });
    expect(problemsOf(text)).toEqual([
      `line ${FEED_LINE(1500)}: feeds[1500].colour: unknown key`,
      `line ${FEED_LINE(2400)}: feeds[2400].id: duplicate id "f1" (also feeds[1])`,
      `line ${ROUTE_LINE(2200)}: routes[2200].feed: no feed with id "nosuch"`,
      `line ${ROUTE_LINE(2400)}: routes[2400].feed: no feed with id "f2400"`,
    ]);
  });

  it("reports a YAML mistake in a later chunk as parsing the whole text does", () => {
    const text = config({ feed: (k) => (k === 2300 ? `  - { id: f${k}, url: "https://example.com/${k}.xml"` : undefined) });
    expect(problemsOf(text)).toEqual([expect.stringMatching(new RegExp(`^line ${FEED_LINE(2300)}: `))]);
  });

  it("refuses a list key written twice", () => {
    expect(problemsOf(`${config()}feeds:\n  - { id: z, url: z.xml }\n`)[0]).toMatch(/duplicated mapping key|Map keys must be unique/);
  });
});

describe("splitLists", () => {
  it.each([
    ["flow lists", "feeds: [{ id: a, url: a.xml }]\n"],
    ["several documents", "---\nfeeds:\n  - { id: a, url: a.xml }\n"],
    ["no list key", "storage: { path: x.db }\n"],
    ["a list key with a value on its line", "feeds: &all\n  - { id: a, url: a.xml }\n"],
  ])("leaves %s to the whole parse", (_name, text) => {
    expect(splitLists(text)).toBeNull();
  });
});

describe("a short config", () => {
  it("is parsed in one js-yaml call; a long one a chunk at a time", () => {
    const calls = vi.spyOn(jsYaml, "load");
    try {
      const small = load("storage: { path: crier.db }\nfeeds:\n  - { id: f0, url: https://example.com/0.xml }\ndestinations:\n  - { id: out, platform: console }\nroutes:\n  - { feed: f0, to: [out] }\n");
      expect(small.feeds.map((f) => f.id)).toEqual(["f0"]);
      expect(calls).toHaveBeenCalledTimes(1);
      calls.mockClear();
      expect(load(config()).feeds).toHaveLength(2500);
      expect(calls.mock.calls.length).toBeGreaterThan(3); // the rest, and each list in three chunks
    } finally {
      calls.mockRestore();
    }
  });
});
