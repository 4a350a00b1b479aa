/**
 * What building the config's schemas costs every command: a field's description (and a secret's
 * mark) is registered on the field's own schema, never on a copy made only to carry it, as
 * `.describe()` and `.meta()` make (a quarter of the schemas built at load); numbers, strings and flags with the same
 * checks share them; strict objects are built strict, not copied. The docs read the same texts
 * (test/docs.test.ts). And a command builds only the sections its file has: loading the module
 * builds nothing, and a section the file leaves out takes its default from ./section-defaults.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { adapters } from "../../adapters/index.js";
import { consoleAdapter } from "../../adapters/console/index.js";
import { configSchema, destinationCommonSchema, feedSchema, routeSchema, topField, TOP_KEYS, type TopKey } from "./schema.js";
import { SECTION_DEFAULTS } from "./section-defaults.js";

interface Internals {
  _zod: { def: Record<string, unknown>; parent?: Internals };
}

/** Every schema reachable from `root`: object fields, wrapped and piped schemas, elements, options. */
function reachable(root: unknown): Internals[] {
  const seen = new Set<Internals>();
  const visit = (value: unknown): void => {
    const schema = value as Internals | undefined;
    if (!schema?._zod || seen.has(schema)) return;
    seen.add(schema);
    const def = schema._zod.def;
    for (const key of ["innerType", "element", "in", "out", "left", "right", "keyType", "valueType", "catchall"]) visit(def[key]);
    for (const option of (def.options as unknown[] | undefined) ?? []) visit(option);
    for (const field of Object.values((def.shape as Record<string, unknown> | undefined) ?? {})) visit(field);
  };
  visit(root);
  return [...seen];
}

/** A schema that is a copy of another with the same definition: made only to carry metadata. */
const metadataCopies = (root: unknown): string[] =>
  reachable(root)
    .filter((s) => s._zod.parent !== undefined && s._zod.parent._zod.def === s._zod.def)
    .map((s) => String(z.globalRegistry.get(s as unknown as z.ZodType)?.description ?? s._zod.def.type));

afterEach(() => {
  z.config({ postProcessor: undefined });
});

describe("building the config's schemas", () => {
  it("builds no schema when the module loads, and about 260 for the whole config schema (299 with a schema of its own per field that carries no description, 603 with a copy per description, per check and per .strict())", async () => {
    let built = 0;
    // zod calls the post-processor once per schema it constructs, clones included.
    z.config({ postProcessor: () => void built++ });
    vi.resetModules();
    const fresh = (await import("./schema.js")) as typeof import("./schema.js");
    const atLoad = built;
    const whole = fresh.configSchema();
    z.config({ postProcessor: undefined });
    expect(whole).not.toBe(configSchema()); // really built again
    expect(atLoad).toBe(0);
    expect(built).toBeGreaterThan(200);
    expect(built).toBeLessThanOrEqual(270);
  });

  it("registers every description on the field's own schema: no copy carries one", () => {
    expect(reachable(configSchema()).length).toBeGreaterThan(150);
    expect(metadataCopies(configSchema())).toEqual([]);
  });

  it.each([...adapters.keys()])("%s: the adapter's config schema has no copy made to carry a description or a secret's mark", (platform) => {
    expect(metadataCopies(adapters.get(platform)?.config)).toEqual([]);
  });

  it("a field's description is its own: fields built alike (ids) keep different texts", () => {
    const text = (schema: unknown): string | undefined => z.globalRegistry.get(schema as z.ZodType)?.description;
    expect(text(feedSchema().shape.id)).toBe("Stable feed id; used in records and CLI commands.");
    expect(text(configSchema().shape.routes.unwrap().element.shape.feed)).toBe("A feed id.");
    expect(text(configSchema().shape.alerts.unwrap().shape.destination)).toBe("A configured destination that receives operator alerts (e.g. a private Telegram chat).");
  });
});

/** The texts registered on these schemas. */
const descriptions = (schemas: Iterable<unknown>): Set<string> =>
  new Set([...schemas].flatMap((s) => z.globalRegistry.get(s as z.ZodType)?.description ?? []));

/** Imports a fresh copy of the config modules and loads `text`: the schemas zod built for both, and the config. */
async function loadCounting(text: string): Promise<{ built: unknown[]; config: import("./load.js").CrierConfig }> {
  const built: unknown[] = [];
  vi.resetModules();
  z.config({ postProcessor: (schema: unknown) => void built.push(schema) });
  try {
    const { parseConfig } = (await import("./load.js")) as typeof import("./load.js");
    const config = parseConfig(text, "/srv/crier/crier.yaml", { env: {}, adapters: new Map([["console", consoleAdapter]]) });
    return { built, config };
  } finally {
    z.config({ postProcessor: undefined });
  }
}

const LISTS_ONLY = `
feeds:
  - { id: news, url: https://example.org/feed.xml }
destinations:
  - { id: out, platform: console }
routes:
  - { feed: news, to: [out] }
`;

describe("a command builds the schemas of the sections its file has", () => {
  /** Every field's text of a top-level section, read from the whole schema (built after the load). */
  const sectionTexts = (key: TopKey): Set<string> => {
    const texts = descriptions(reachable(topField(key)));
    // Texts that other sections share (none today) would prove nothing about this one.
    for (const other of TOP_KEYS) if (other !== key) for (const t of descriptions(reachable(topField(other)))) texts.delete(t);
    return texts;
  };
  const absent: TopKey[] = ["userAgent", "logLevel", "delivery", "feedHealth", "images", "network", "polling", "retention", "ownership", "publicListener", "websub", "alerts", "memory", "credentials", "storage"];

  it("a file with feeds, destinations and routes only builds none of the other sections' schemas (about 70 schemas with the module's import, not 299; 156 before fields without a description of their own shared their schema, 132 before the fields an entry leaves out were left unbuilt)", async () => {
    const { built, config } = await loadCounting(LISTS_ONLY);
    expect(config.feeds.map((f) => f.id)).toEqual(["news"]);
    const texts = descriptions(built);
    for (const key of absent) {
      const own = sectionTexts(key);
      expect(own.size, key).toBeGreaterThan(0);
      expect([...own].filter((t) => texts.has(t)), `${key}'s schema was built`).toEqual([]);
    }
    expect(texts).toContain("Stable feed id; used in records and CLI commands.");
    expect(built.length).toBeLessThanOrEqual(80);
  });

  it("a section the file has is built: websub, delivery", async () => {
    const { built, config } = await loadCounting(`${LISTS_ONLY}
publicListener: { url: https://crier.example.org }
websub: { secret: "0123456789abcdef0123" }
delivery: { maxAttempts: 3 }
`);
    expect(config.websub?.secret).toBe("0123456789abcdef0123");
    expect(config.delivery.maxAttempts).toBe(3);
    const texts = descriptions(built);
    for (const key of ["websub", "publicListener", "delivery"] as const) expect([...sectionTexts(key)].every((t) => texts.has(t)), key).toBe(true);
    for (const key of ["polling", "retention", "alerts"] as const) expect([...sectionTexts(key)].some((t) => texts.has(t)), key).toBe(false);
  });

  /** Fields most entries leave out: a feed's schedule, time zone and image settings, a destination's hashtag settings, utm, budget, quiet hours and ambiguous, a route's filter. */
  const RARE = [
    [feedSchema(), "schedule"], [feedSchema(), "timezone"], [feedSchema(), "image"],
    [destinationCommonSchema(), "hashtagMap"], [destinationCommonSchema(), "hashtagIgnore"], [destinationCommonSchema(), "utm"], [destinationCommonSchema(), "budget"],
    [destinationCommonSchema(), "quietHours"], [destinationCommonSchema(), "ambiguous"], [routeSchema(), "filter"],
  ] as const;

  it("an entry that leaves a field out gets what the whole schema gives it (its default, or nothing)", async () => {
    const { config } = await loadCounting(LISTS_ONLY);
    const { source: _source, ...feed } = config.feeds[0] as (typeof config.feeds)[number];
    expect(feed).toEqual(feedSchema().parse({ id: "news", url: "https://example.org/feed.xml" }));
    expect(config.destinations[0]?.common).toEqual(destinationCommonSchema().parse({ id: "out", platform: "console" }));
    expect(config.routes.get("news")).toEqual(["out"]);
    expect(config.routeFilters.get("news")?.get("out")).toBeUndefined();
  });

  it("a field an entry leaves out builds no schema of its own: the rare fields of feeds, destinations and routes", async () => {
    const { built } = await loadCounting(LISTS_ONLY);
    const texts = descriptions(built);
    for (const [schema, key] of RARE) {
      // The checks under the field (a sub-object's fields, a cron or time zone check) are what it costs.
      const own = new Set([...descriptions(reachable(schema.shape[key as keyof typeof schema.shape]))].filter((t) => t !== undefined));
      expect([...own].filter((t) => texts.has(t)), `${key}'s schema was built`).toEqual([]);
    }
  });

  it("a destination without utm or quietHours, and a route without a filter, build none of those schemas", async () => {
    const rare = (schema: z.ZodObject, key: string): Set<string> => descriptions(reachable(schema.shape[key]));
    const { built } = await loadCounting(LISTS_ONLY);
    const texts = descriptions(built);
    for (const [schema, key] of [[destinationCommonSchema(), "utm"], [destinationCommonSchema(), "quietHours"], [routeSchema(), "filter"]] as const) {
      expect([...rare(schema, key)].filter((t) => texts.has(t)), `${key}'s schema was built`).toEqual([]);
    }
    const withThem = await loadCounting(
      LISTS_ONLY.replace("- { id: out, platform: console }", "- { id: out, platform: console, utm: { source: crier }, quietHours: { from: '22:00', to: '06:00' } }").replace(
        "- { feed: news, to: [out] }",
        "- { feed: news, to: [out], filter: { include: { keywords: [vote] } } }",
      ),
    );
    expect(withThem.config.routeFilters.get("news")?.get("out")?.include?.keywords).toEqual(["vote"]);
    expect(withThem.config.destinations[0]?.common).toMatchObject({ utm: { source: "crier", medium: "social" }, quietHours: { from: "22:00", to: "06:00", timezone: "UTC" } });
    const builtTexts = descriptions(withThem.built);
    for (const [schema, key] of [[destinationCommonSchema(), "utm"], [destinationCommonSchema(), "quietHours"], [routeSchema(), "filter"]] as const) {
      expect([...rare(schema, key)].every((t) => builtTexts.has(t)), key).toBe(true);
    }
  });

  it("a section the file leaves out is what its schema parses from nothing (./section-defaults.ts)", async () => {
    const { config } = await loadCounting(LISTS_ONLY);
    const expected = Object.fromEntries(TOP_KEYS.filter((k) => !["feeds", "destinations", "routes"].includes(k)).flatMap((k) => {
      const value: unknown = topField(k).parse(undefined);
      return value === undefined ? [] : [[k, value]];
    }));
    expect(SECTION_DEFAULTS).toEqual(expected);
    expect(config).toMatchObject({
      storagePath: "/srv/crier/data/crier.db",
      storageCacheMB: 2,
      userAgent: expected.userAgent,
      logLevel: "info",
      delivery: expected.delivery,
      feedHealth: expected.feedHealth,
      images: expected.images,
      network: expected.network,
      polling: expected.polling,
      retention: expected.retention,
      ownership: expected.ownership,
      credentials: expected.credentials,
      publicListener: null,
      websub: null,
      alerts: null,
    });
  });

  it("a loaded config's sections are its own objects: changing one leaves the next load's defaults alone", async () => {
    const first = (await loadCounting(LISTS_ONLY)).config;
    first.delivery.maxAttempts = 99;
    const second = (await loadCounting(LISTS_ONLY)).config;
    expect(second.delivery.maxAttempts).toBe(8);
  });
});
