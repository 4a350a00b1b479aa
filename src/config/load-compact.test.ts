/**
 * What a loaded config keeps per feed (issue 17): every setting of the schema, each distinct value
 * once. The heap a feed costs is bounded end to end by test/e2e/memory.test.ts.
 */
import { describe, expect, it } from "vitest";
import { consoleAdapter } from "../../adapters/console/index.js";
import { parseConfig } from "./load.js";
import { feedSchema } from "./schema.js";

const adapters = new Map([["console", consoleAdapter]]);
const load = (lines: string[]) => parseConfig(`${lines.join("\n")}\n`, "/srv/crier/crier.yaml", { env: { TOKEN: "t0ken" }, adapters });

describe("loaded feeds", () => {
  const config = load([
    "feeds:",
    "  - { id: a, url: https://a.example/feed.xml, schedule: '*/10 * * * * *', image: { minWidth: 300 } }",
    "  - { id: b, url: https://b.example/feed.xml, schedule: '*/10 * * * * *', image: { minWidth: 300 } }",
    "  - { id: c, url: 'https://c.example/feed.xml?key=${TOKEN}', timezone: Europe/Berlin, backlog: 2, timeoutMs: 900, maxBytes: 1000, maxRedirects: 1, enabled: false, websub: false }",
    "destinations:",
    "  - { id: out-a, platform: console }",
    "  - { id: out-b, platform: console }",
    "routes:",
    "  - { feed: a, to: [out-a, out-b] }",
    "  - { feed: b, to: [out-a, out-b] }",
  ]);
  const [a, b, c] = config.feeds;

  it("carry every setting of the feed schema, as written or defaulted", () => {
    for (const feed of config.feeds) expect(Object.keys(feed).sort()).toEqual([...Object.keys(feedSchema().shape), "source"].sort());
    expect(c).toEqual({
      id: "c",
      url: "https://c.example/feed.xml?key=${TOKEN}",
      schedule: "*/5 * * * *",
      timezone: "Europe/Berlin",
      backlog: 2,
      timeoutMs: 900,
      maxBytes: 1000,
      maxRedirects: 1,
      enabled: false,
      image: { fromArticlePage: true, minWidth: 200 },
      websub: false,
      source: { kind: "http", url: "https://c.example/feed.xml?key=t0ken" },
    });
    expect(a).toMatchObject({ schedule: "*/10 * * * * *", image: { fromArticlePage: true, minWidth: 300 } });
  });

  it("share one copy of settings written alike, and one route list", () => {
    expect(a?.image).toBe(b?.image);
    expect(a?.image).not.toBe(c?.image);
    expect(config.routes.get("a")).toBe(config.routes.get("b"));
    expect(config.routes.get("a")).toEqual(["out-a", "out-b"]);
  });
});
