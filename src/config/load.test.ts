import { describe, expect, it } from "vitest";
import { z } from "zod";
import { consoleAdapter } from "../../adapters/console/index.js";
import { RenderError, type AnyAdapter } from "../core/adapter.js";
import { deliveryError } from "../core/delivery-error.js";
import { ConfigError, configWarnings, parseConfig, pathText, type AdapterRegistry } from "./load.js";

/**
 * A stand-in platform: a required chatId and a secret botToken, limit 4096. Built on the console
 * adapter so that it has whatever else the Adapter interface asks for.
 */
const fakeAdapter: AnyAdapter = {
  ...consoleAdapter,
  platform: "fake",
  description: "test double",
  config: z
    .object({
      chatId: z.string().min(1).describe("Target chat."),
      botToken: z.string().min(1).describe("A secret."),
      silent: z.boolean().default(false),
    })
    .strict(),
  secrets: ["botToken"],
  defaultLimits: () => ({ maxLength: 4096, unit: "characters", source: "default" }),
  render: () => {
    throw new RenderError("not used by these tests");
  },
  connect: async () => {
    throw new Error("not used by these tests");
  },
  classify: (err) => deliveryError("transient", String(err)),
};

const adapters: AdapterRegistry = new Map<string, AnyAdapter>([
  ["console", consoleAdapter],
  ["fake", fakeAdapter],
]);
const FILE = "/srv/crier/conf/crier.yaml";
const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, FILE, { env, adapters });

/** The problems of the ConfigError the text raises (fails the test when none is raised). */
function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parse(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

const FEED = ["feeds:", "  - id: blog", "    url: https://example.com/feed"];
const CONSOLE = ["destinations:", "  - id: out", "    platform: console"];

describe("parseConfig: a valid config", () => {
  const text = yaml(
    "storage:",
    "  path: ../data/crier.db",
    "feeds:",
    "  - id: blog",
    "    url: feeds/local.xml",
    "    backlog: 2",
    "  - id: web",
    "    url: https://example.com/feed?key=${FEED_KEY}",
    "    schedule: '*/10 * * * *'",
    "    timezone: Asia/Almaty",
    "  - id: abs",
    "    url: file:///var/feeds/My%20Feeds/a.xml",
    "destinations:",
    "  - id: out",
    "    platform: console",
    "  - id: tg",
    "    platform: fake",
    "    chatId: '@news'",
    "    botToken: ${TG_TOKEN}",
    "    maxLength: 1000",
    "  - id: tg2",
    "    platform: fake",
    "    chatId: '@other'",
    "    botToken: bot-${TG2_TOKEN}",
    "routes:",
    "  - feed: blog",
    "    to: [out, tg]",
    "  - feed: blog",
    "    to: [tg, tg2]",
  );
  const env = { TG_TOKEN: "123456:AAAAsecret", TG2_TOKEN: "zzzzzzzzzz", FEED_KEY: "feedkey-123" };

  it("resolves relative paths against the config file's folder", () => {
    const config = parse(text, env);
    expect(config.file).toBe(FILE);
    expect(config.storagePath).toBe("/srv/crier/data/crier.db");
    expect(config.feeds.map((f) => f.source)).toEqual([
      { kind: "file", path: "/srv/crier/conf/feeds/local.xml" },
      { kind: "http", url: "https://example.com/feed?key=feedkey-123" },
      { kind: "file", path: "/var/feeds/My Feeds/a.xml" },
    ]);
  });

  it("applies defaults and keeps values", () => {
    const config = parse(text, env);
    expect(config.feeds.map((f) => [f.id, f.schedule, f.timezone, f.backlog])).toEqual([
      ["blog", "*/5 * * * *", "UTC", 2],
      ["web", "*/10 * * * *", "Asia/Almaty", 0],
      ["abs", "*/5 * * * *", "UTC", 0],
    ]);
    expect(config.delivery).toMatchObject({ retryBaseMs: 30_000, maxAttempts: 8 });
    expect(config.logLevel).toBe("info");
    expect(config.storageCacheMB).toBe(2);
    expect(parse(yaml("storage:", "  cacheMB: 16")).storageCacheMB).toBe(16);
  });

  it.each(["UTC", "Etc/UTC", "Europe/Kiev", "Europe/Kyiv", "America/Argentina/Buenos_Aires"])("accepts the time zone %s (canonical or an alias)", (zone) => {
    expect(parse(yaml(...FEED, `    timezone: ${zone}`)).feeds[0]?.timezone).toBe(zone);
  });

  it("merges routes per feed in config order, without repeats", () => {
    expect([...parse(text, env).routes]).toEqual([["blog", ["out", "tg", "tg2"]]]);
  });

  it("resolves ${ENV} in destinations and collects secret values", () => {
    const config = parse(text, env);
    const byId = new Map(config.destinations.map((d) => [d.id, d]));
    expect(byId.get("tg")?.cfg).toEqual({ chatId: "@news", botToken: "123456:AAAAsecret", silent: false });
    expect(byId.get("tg")?.common.maxLength).toBe(1000);
    expect(byId.get("tg2")?.cfg).toMatchObject({ botToken: "bot-zzzzzzzzzz" });
    expect(byId.get("out")?.adapter).toBe(consoleAdapter);
    expect(config.destinations.every((d) => d.pausedReason === null)).toBe(true);
    expect([...config.secretValues].sort()).toEqual(["123456:AAAAsecret", "feedkey-123", "zzzzzzzzzz"]);
  });

  it("a missing ${ENV} pauses only that destination, naming the variable and path", () => {
    const config = parse(text, { TG_TOKEN: "123456:AAAAsecret", FEED_KEY: "feedkey-123" });
    const paused = config.destinations.map((d) => [d.id, d.pausedReason, d.cfg === null]);
    expect(paused).toEqual([
      ["out", null, false],
      ["tg", null, false],
      ["tg2", "environment variable TG2_TOKEN is not set (destinations[2].botToken)", true],
    ]);
    expect(config.secretValues).not.toContain("${TG2_TOKEN}");
  });

  it("an empty file is an empty config", () => {
    const config = parse("");
    expect(config.feeds).toEqual([]);
    expect(config.destinations).toEqual([]);
    expect(config.storagePath).toBe("/srv/crier/conf/data/crier.db");
  });
});

describe("parseConfig: each problem, with its path and line", () => {
  it.each<[string, string, NodeJS.ProcessEnv, string]>([
    ["required adapter field", yaml(...FEED, ...CONSOLE, "  - id: tg", "    platform: fake", "    botToken: x"), {}, "line 7: destinations[1].chatId: required"],
    ["empty adapter field", yaml(...FEED, "destinations:", "  - id: tg", "    platform: fake", "    chatId:", "    botToken: x"), {}, "line 7: destinations[0].chatId: required"],
    ["unknown adapter key", yaml(...FEED, "destinations:", "  - id: tg", "    platform: fake", "    chatId: c", "    botToken: x", "    colour: red"), {}, "line 9: destinations[0].colour: unknown key"],
    ["unknown feed key", yaml(...FEED, "    bogus: 1"), {}, "line 4: feeds[0].bogus: unknown key"],
    ["unknown top-level key", yaml("destination: []"), {}, "line 1: destination: unknown key; did you mean `destinations`?"],
    ["bad cron", yaml(...FEED, "    schedule: every minute"), {}, "line 4: feeds[0].schedule: must be a cron expression (5 or 6 fields)"],
    ["bad timezone", yaml(...FEED, "    timezone: Mars/Olympus"), {}, "line 4: feeds[0].timezone: must be an IANA time zone such as Europe/Berlin"],
    ["bad id", yaml("feeds:", "  - id: 'my feed'", "    url: x.xml"), {}, "line 2: feeds[0].id: must be 1-64 letters, digits, '_', '.' or '-'"],
    ["duplicate feed id", yaml(...FEED, "  - id: blog", "    url: b.xml"), {}, 'line 4: feeds[1].id: duplicate id "blog" (also feeds[0])'],
    ["duplicate destination id", yaml(...CONSOLE, "  - id: out", "    platform: console"), {}, 'line 4: destinations[1].id: duplicate id "out" (also destinations[0])'],
    ["route to an unknown feed", yaml(...CONSOLE, "routes:", "  - feed: nofeed", "    to: [out]"), {}, 'line 5: routes[0].feed: no feed with id "nofeed"'],
    ["route to an unknown destination", yaml(...FEED, ...CONSOLE, "routes:", "  - feed: blog", "    to: [out, ghost]"), {}, 'line 9: routes[0].to[1]: no destination with id "ghost"'],
    ["unknown platform", yaml("destinations:", "  - id: m", "    platform: myspace"), {}, 'line 3: destinations[0].platform: unknown platform "myspace" (installed: console, fake)'],
    ["unknown placeholder", yaml(...CONSOLE, "    template: '{title} {nope}'"), {}, "line 4: destinations[0].template: unknown placeholder {nope}"],
    ["placeholder in the wrong case", yaml(...CONSOLE, "    template: '{Title} {link}'"), {}, "line 4: destinations[0].template: unknown placeholder {Title}"],
    [
      "maxLength above the platform's limit",
      yaml("destinations:", "  - id: tg", "    platform: fake", "    chatId: c", "    botToken: x", "    maxLength: 5000"),
      {},
      "line 6: destinations[0].maxLength: 5000 is above fake's limit of 4096; it may only tighten it",
    ],
    ["maxLength above console's limit", yaml(...CONSOLE, "    maxLength: 10001"), {}, "line 4: destinations[0].maxLength: 10001 is above console's limit of 10000; it may only tighten it"],
    ["missing ${ENV} in a feed url", yaml("feeds:", "  - id: blog", "    url: https://e.com/f?k=${KEY}"), {}, "line 3: feeds[0].url: environment variable KEY is not set"],
    ["a young generation over the cap's range", yaml("memory:", "  youngGenerationMB: 100"), {}, "line 2: memory.youngGenerationMB: Too big: expected number to be <=64"],
    ["YAML syntax", yaml("feeds: [", "  - id: x"), {}, "line 2: YAML syntax: Block collections are not allowed within flow collections"],
  ])("%s", (_name, text, env, expected) => {
    expect(problemsOf(text, env)).toContain(expected);
  });

  it("a value of the wrong type is not called missing", () => {
    const problems = problemsOf(yaml("destinations:", "  - id: tg", "    platform: fake", "    chatId: 12", "    botToken: x"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 4: destinations\[0\]\.chatId: .*expected string/);
    expect(problems[0]).not.toContain("required");
  });

  it.each([
    ["maxLength at the platform's limit", yaml("destinations:", "  - id: tg", "    platform: fake", "    chatId: c", "    botToken: x", "    maxLength: 4096")],
    ["maxLength below it", yaml(...CONSOLE, "    maxLength: 500")],
    ["all placeholders", yaml(...CONSOLE, "    template: \"{title} {summary} {link} {author} {hashtags} {feed}\"")],
  ])("accepts %s", (_name, text) => {
    expect(() => parse(text)).not.toThrow();
  });

  it("never prints a resolved secret in a problem", () => {
    const text = yaml("destinations:", "  - id: tg", "    platform: fake", "    chatId: 12", "    botToken: ${TOKEN}");
    let message = "";
    try {
      parse(text, { TOKEN: "super-secret-token" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("chatId");
    expect(message).not.toContain("super-secret-token");
  });
});

describe("parseConfig: every problem in one ConfigError", () => {
  const text = yaml(
    /* 1 */ "feeds:",
    /* 2 */ "  - id: blog",
    /* 3 */ "    url: https://example.com/feed",
    /* 4 */ "    schedule: not a cron",
    /* 5 */ "    timezone: Mars/Olympus",
    /* 6 */ "    bogus: 1",
    /* 7 */ "  - id: blog",
    /* 8 */ "    url: feeds/b.xml",
    /* 9 */ "destinations:",
    /* 10 */ "  - id: out",
    /* 11 */ "    platform: console",
    /* 12 */ "    template: '{title} {nope}'",
    /* 13 */ "  - id: tg",
    /* 14 */ "    platform: fake",
    /* 15 */ "    botToken: ${TG_TOKEN}",
    /* 16 */ "  - id: out",
    /* 17 */ "    platform: myspace",
    /* 18 */ "routes:",
    /* 19 */ "  - feed: blog",
    /* 20 */ "    to: [out, ghost]",
    /* 21 */ "  - feed: nofeed",
    /* 22 */ "    to: [tg]",
  );

  it("lists them all, each with its line", () => {
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        "line 4: feeds[0].schedule: must be a cron expression (5 or 6 fields)",
        "line 5: feeds[0].timezone: must be an IANA time zone such as Europe/Berlin",
        "line 6: feeds[0].bogus: unknown key",
        'line 7: feeds[1].id: duplicate id "blog" (also feeds[0])',
        "line 12: destinations[0].template: unknown placeholder {nope}",
        "line 13: destinations[1].chatId: required",
        'line 16: destinations[2].id: duplicate id "out" (also destinations[0])',
        'line 17: destinations[2].platform: unknown platform "myspace" (installed: console, fake)',
        'line 20: routes[0].to[1]: no destination with id "ghost"',
        'line 21: routes[1].feed: no feed with id "nofeed"',
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it("names the file and every problem in its message", () => {
    let error: unknown;
    try {
      parse(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.startsWith(`${FILE}: 10 problems in the config:`)).toBe(true);
    expect(message).toContain("  - line 13: destinations[1].chatId: required");
  });
});

describe("pathText", () => {
  it.each<[PropertyKey[], string]>([
    [[], ""],
    [["feeds"], "feeds"],
    [["destinations", 1, "chatId"], "destinations[1].chatId"],
    [["routes", 0, "to", 2], "routes[0].to[2]"],
  ])("%j -> %s", (p, expected) => {
    expect(pathText(p)).toBe(expected);
  });
});

describe("parseConfig: the memory section (deprecated: no V8 flags are changed at run time)", () => {
  it("is accepted, each key with a warning naming its line, and nothing else is set from it", () => {
    const config = parse(yaml("memory:", "  youngGenerationMB: 0", "  optimizeForSizeWhileParsing: false", "  optimizeWasm: true", ...FEED));
    const why = "deprecated and ignored (Crier no longer changes V8's settings at run time); remove it";
    expect(config.warnings).toEqual([`line 2: memory.youngGenerationMB: ${why}`, `line 3: memory.optimizeForSizeWhileParsing: ${why}`, `line 4: memory.optimizeWasm: ${why}`]);
    expect(configWarnings(config)).toContain(`line 2: memory.youngGenerationMB: ${why}`);
    expect(config).not.toHaveProperty("memory");
  });

  it("still refuses a key it never had", () => {
    expect(() => parse(yaml("memory:", "  heapMB: 100", ...FEED))).toThrow(/memory/);
  });
});

describe("parseConfig: network.allowPrivateAddresses (the address guard)", () => {
  it.each<[string, string[], boolean, string[]]>([
    ["off by default", [], false, []],
    ["as written", ["network: { allowPrivateAddresses: true }"], true, []],
    [
      "the deprecated images key, with a warning",
      ["images:", "  allowPrivateAddresses: true"],
      true,
      ["line 2: images.allowPrivateAddresses: deprecated; write `network: { allowPrivateAddresses: true }` instead (it also covers WebSub hubs)"],
    ],
    [
      "the new key over the deprecated one",
      ["network: { allowPrivateAddresses: false }", "images: { allowPrivateAddresses: true }"],
      false,
      ["line 2: images.allowPrivateAddresses: ignored, network.allowPrivateAddresses is given; remove it"],
    ],
  ])("%s", (_name, lines, allowed, warnings) => {
    const config = parse(yaml(...lines, ...FEED));
    expect(config.network.allowPrivateAddresses).toBe(allowed);
    expect(config.warnings).toEqual(warnings);
  });
});
