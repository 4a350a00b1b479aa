/**
 * Reads the YAML config, validates it whole (every problem listed by path and line, nothing
 * half-loaded), resolves `${ENV}` references and relative paths.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";
import type { LineCounter, Document } from "yaml";
import { yamlLib } from "./yaml-lib.js";
import { z } from "zod";
import type { AnyAdapter } from "../core/adapter.js";
import { unknownPlaceholders } from "../render/template.js";
import { Interner } from "./compact.js";
import {
  configSchema,
  PARSE_ONCE,
  destinationCommonKeys,
  destinationEntrySchema,
  destinationEntrySchemaFor,
  publicListenerSchema,
  routeSchema,
  routeSchemaFor,
  feedSchema,
  topField,
  TOP_KEYS,
  type TopKey,
  type RawConfig,
  type DeliveryConfig,
  type AlertsConfig,
  type CredentialsConfig,
  type FeedHealthConfig,
  type ImagesConfig,
  type NetworkConfig,
  type PollingConfig,
  type PublicListenerConfig,
  type RetentionConfig,
  type OwnershipConfig,
  type WebSubSettings,
  type RouteFilter,
  type DestinationCommon,
} from "./schema.js";
import { RouteReader, type RouteTable } from "./load-routes.js";
import { arrayList, CHUNKED_FROM, ChunkedParseFailed, sharesValues, splitLists, type EntryList } from "./yaml-lists.js";
import { checkFeedList, WITH_INPUT, type FeedListContext, type Feed, type FeedList } from "./load-feeds.js";
import { resolveEnvRefs } from "./env.js";
import { pullableUrlProblem } from "../net/pullable-url.js";
import { closest, keysAt } from "./suggest.js";
import { yamlSyntaxProblems } from "./yaml-problems.js";
import { ConfigError } from "./config-error.js";
import { SECTION_DEFAULTS } from "./section-defaults.js";

export { ConfigError } from "./config-error.js";

export type { Feed, FeedSource } from "./load-feeds.js";

export interface Destination {
  id: string;
  platform: string;
  adapter: AnyAdapter;
  common: DestinationCommon;
  /** Adapter config with `${ENV}` resolved and validated; null when paused. */
  cfg: unknown;
  /** Why this destination cannot run (missing secret, invalid resolved value), or null. */
  pausedReason: string | null;
}

export interface CrierConfig {
  file: string;
  storagePath: string;
  /** SQLite's page cache, in MB (storage.cacheMB). */
  storageCacheMB: number;
  userAgent: string;
  logLevel: string;
  delivery: DeliveryConfig;
  feedHealth: FeedHealthConfig;
  images: ImagesConfig;
  /** The address guard's setting (`network`, or the deprecated `images.allowPrivateAddresses`). */
  network: NetworkConfig;
  polling: PollingConfig;
  retention: RetentionConfig;
  /** The store's lease (`ownership`). */
  ownership: OwnershipConfig;
  /**
   * The listener `crier run` opens to the outside world (`publicListener`, or the deprecated
   * `websub.publicUrl` + `websub.listen`); null when none is configured.
   */
  publicListener: PublicListenerConfig | null;
  /** WebSub with its secret resolved and its callback base (the public listener's URL); null when not configured. */
  websub: WebSubSettings | null;
  /** Why WebSub is configured but off (its secret's variable is not set), or null. */
  websubOffReason: string | null;
  alerts: AlertsConfig | null;
  /** The daily credential watch of `crier run`. */
  credentials: CredentialsConfig;
  feeds: Feed[];
  destinations: Destination[];
  /** feed id -> destination ids, in config order. */
  routes: Map<string, string[]>;
  /** feed id -> destination id -> the route's filter (absent: everything passes). */
  routeFilters: Map<string, Map<string, RouteFilter>>;
  /** Secret values resolved from the environment: scrubbed from logs and stored errors. */
  secretValues: string[];
  /** What works but should change (deprecated keys), each naming its line and path. */
  warnings: string[];
}

export type AdapterRegistry = ReadonlyMap<string, AnyAdapter>;

/**
 * The installed adapters, each loaded when first asked for: a config loads only the platforms its
 * destinations name (an adapter's module and config schema cost start-up CPU; adapters/registry.ts).
 */
export type AdapterLoaders = ReadonlyMap<string, () => Promise<AnyAdapter>>;

/** Adapters already loaded (a registry), or loaders of which a config loads those it names. */
export type AdapterSource = AdapterRegistry | { loaders: AdapterLoaders };

/** Platforms Crier refuses with a reason (no API to post with), from the registry: platform -> why. */
export type RefusedPlatforms = ReadonlyMap<string, string>;

export interface LoadOptions {
  env: NodeJS.ProcessEnv;
  /** get: a named platform's adapter; keys: every installed platform (named in "unknown platform"). */
  adapters: Pick<AdapterRegistry, "get" | "keys">;
  /** Named in a destination, refused with its explanation instead of "unknown platform". */
  refusedPlatforms?: RefusedPlatforms;
}

/** Loads and validates a config file. @throws ConfigError listing every problem. */
export function loadConfig(file: string, opts: LoadOptions): CrierConfig {
  const absolute = path.resolve(file);
  return parseConfig(readConfigText(absolute), absolute, opts);
}

/**
 * Loads and validates a config file, loading only the adapters its destinations name (the others'
 * modules are never compiled). @throws ConfigError listing every problem.
 */
export async function loadConfigFrom(file: string, opts: Omit<LoadOptions, "adapters"> & { adapters: AdapterSource }): Promise<CrierConfig> {
  const absolute = path.resolve(file);
  const text = readConfigText(absolute);
  const source = opts.adapters;
  return wholeIfUnsure(async (chunked) => {
    const parsed = parseYaml(text, absolute, chunked);
    const adapters = "loaders" in source ? await loadNamed(source.loaders, namedPlatforms(parsed.input)) : source;
    return checkConfig(parsed, absolute, { ...opts, adapters });
  });
}

function readConfigText(absolute: string): string {
  try {
    return readFileSync(absolute, "utf8");
  } catch (err) {
    throw new ConfigError(absolute, [`cannot read the config file: ${(err as Error).message}`]);
  }
}

/** The `platform` of each destination, as written (the structure is checked later, with the adapters). */
function namedPlatforms(input: unknown): Set<string> {
  const destinations = (input as { destinations?: unknown } | null)?.destinations;
  if (!Array.isArray(destinations)) return new Set();
  return new Set(destinations.flatMap((d: unknown) => (typeof (d as { platform?: unknown } | null)?.platform === "string" ? [(d as { platform: string }).platform] : [])));
}

/** The adapters of these platforms (unknown names are left to validation to report); keys: every installed one. */
async function loadNamed(loaders: AdapterLoaders, platforms: Set<string>): Promise<LoadOptions["adapters"]> {
  const named = [...platforms].filter((p) => loaders.has(p));
  const loaded = new Map(await Promise.all(named.map(async (p) => [p, await (loaders.get(p) as () => Promise<AnyAdapter>)()] as const)));
  return { get: (platform) => loaded.get(platform), keys: () => loaders.keys() };
}

/** Validates config text as if read from `file` (relative paths resolve against its folder). */
export function parseConfig(text: string, file: string, opts: LoadOptions): CrierConfig {
  return wholeIfUnsure((chunked) => checkConfig(parseYaml(text, file, chunked), file, opts));
}

/** Checks the config with its long lists read in chunks, or, when that reading is unsure of the text, parsed whole (./yaml-lists.ts). */
function wholeIfUnsure<T>(check: (chunked: boolean) => T): T {
  const fallBack = (err: unknown): T => {
    if (err instanceof ChunkedParseFailed) return check(false);
    throw err;
  };
  try {
    const result = check(true);
    return result instanceof Promise ? (result.catch(fallBack) as T) : result;
  } catch (err) {
    return fallBack(err);
  }
}

interface ParsedYaml {
  input: unknown;
  /** Lists read in chunks (`input` holds an empty array in their place), by key. */
  lists: ReadonlyMap<string, EntryList>;
  /** The `yaml` package's document, built on first call: it locates problems (see parseYaml). */
  document: () => { doc: Document; lineCounter: LineCounter };
}

function parseYaml(text: string, file: string, chunked: boolean): ParsedYaml {
  // Two parsers, one job each. js-yaml builds plain values directly (10,000 feeds: ~0.3 s, ~20 MB
  // of heap); the `yaml` package's document keeps positions and comments, but at 10,000 feeds it
  // costs 2.1 s and ~250 MB of heap that stays until a full GC (measured; see docs/architecture.md).
  // So the document is built only when it is needed: a syntax error, a problem to locate, or
  // aliases, which js-yaml shares by reference and only `yaml` can bound (an alias bomb).
  let located: { doc: Document; lineCounter: LineCounter } | null = null;
  const document = (): { doc: Document; lineCounter: LineCounter } => {
    if (!located) {
      const { LineCounter, parseDocument } = yamlLib();
      const lineCounter = new LineCounter();
      located = { doc: parseDocument(text, { lineCounter, prettyErrors: false, merge: true }), lineCounter };
    }
    return located;
  };
  if (chunked && text.length >= CHUNKED_FROM) {
    const split = splitLists(text);
    if (split) return { input: split.rest, lists: split.lists, document };
  }
  let input: unknown;
  try {
    input = jsYaml.load(text);
  } catch (err) {
    const { doc, lineCounter } = document();
    if (doc.errors.length) throw new ConfigError(file, yamlSyntaxProblems(doc, lineCounter, text));
    const mark = (err as { mark?: { line?: number } }).mark;
    throw new ConfigError(file, [`${mark?.line !== undefined ? `line ${mark.line + 1}: ` : ""}YAML syntax: ${(err as { reason?: string }).reason ?? (err as Error).message}`]);
  }
  if (sharesValues(input)) {
    const { doc, lineCounter } = document();
    if (doc.errors.length) throw new ConfigError(file, yamlSyntaxProblems(doc, lineCounter, text));
    try {
      // An alias bomb ("billion laughs") is refused by its count of aliased values (uses times the
      // aliases inside); the bound still lets 10,000 routes share one `to: *all`.
      input = doc.toJS({ maxAliasCount: 100_000 });
    } catch (err) {
      throw new ConfigError(file, [`YAML: ${(err as Error).message}`]);
    }
  }
  return { input, lists: new Map(), document };
}

/** Checks the values parsed from the YAML; consumes `input` (its lists' entries are dropped as they are checked). */
function checkConfig({ input, lists, document }: ParsedYaml, file: string, opts: LoadOptions): CrierConfig {
  const where = (p: PropertyKey[]): string => locate(document().doc, document().lineCounter, p);
  const problems: string[] = [];
  const dir = path.dirname(file);
  /** One copy of each string and setting kept per feed and route (./compact.ts). */
  const intern = new Interner();
  let sections: Sections;
  try {
    sections = validateSections(input ?? {}, lists, where, problems, { intern, env: opts.env, dir, where });
  } catch (err) {
    if (err instanceof ConfigErrorSignal) throw new ConfigError(file, inFileOrder(problems));
    throw err;
  }
  const { raw, feedList } = sections;

  problems.push(...feedList.duplicates);
  checkUnique(sections.ids.destinations, "destinations", where, problems);

  const secretValues: string[] = [...feedList.secretValues];
  const destinations: Destination[] = [];
  /** Each destination's config as written (valid structure), for the adapter's own warnings. */
  const written: Array<{ at: PropertyKey[]; destination: Destination; cfg: unknown }> = [];
  sections.destinations.forEach(({ entry, index }) => {
    const at: PropertyKey[] = ["destinations", index];
    const adapter = opts.adapters.get(entry.platform);
    const refused = opts.refusedPlatforms?.get(entry.platform);
    if (!adapter && refused !== undefined) {
      problems.push(`${where([...at, "platform"])}: Crier cannot post to ${entry.platform}: ${refused}`);
      return;
    }
    if (!adapter) {
      problems.push(
        `${where([...at, "platform"])}: unknown platform "${entry.platform}" (installed: ${[...opts.adapters.keys()].join(", ")})`,
      );
      return;
    }
    // Parsed with the common fields already (validateSections): those are its common part, the rest its platform's.
    const commonKeys = destinationCommonKeys();
    const common = Object.fromEntries(commonKeys.filter((k) => Object.hasOwn(entry, k)).map((k) => [k, (entry as Record<string, unknown>)[k]])) as DestinationCommon;
    if (common.template) {
      for (const name of unknownPlaceholders(common.template)) {
        problems.push(`${where([...at, "template"])}: unknown placeholder {${name}}`);
      }
    }
    const own = Object.fromEntries(Object.entries(entry).filter(([k]) => !commonKeys.includes(k)));
    const structural = adapter.config.safeParse(own, WITH_INPUT);
    if (!structural.success) {
      // A misspelt common key reaches the adapter's schema: suggest from both.
      const known = (p: PropertyKey[]): string[] => [...keysAt(adapter.config, p), ...(p.length ? [] : commonKeys)];
      problems.push(...structural.error.issues.map((i) => formatIssue(i, at, where, known)));
      return;
    }
    // Secrets are resolved only now, so that the checks above never see (or print) them.
    const resolved = resolveEnvRefs(own, opts.env, `destinations[${index}]`);
    secretValues.push(...resolved.values);
    let pausedReason: string | null = null;
    let cfg: unknown = null;
    if (resolved.missing.length) {
      pausedReason = resolved.missing
        .map((m) => `environment variable ${m.variable} is not set (${m.path})`)
        .join("; ");
    } else {
      const checked = adapter.config.safeParse(resolved.value, WITH_INPUT);
      if (checked.success) cfg = checked.data;
      else pausedReason = checked.error.issues.map((i) => formatIssue(i, at, () => pathText([...at, ...i.path]))).join("; ");
    }
    if (!pausedReason && common.maxLength !== undefined) {
      const platformMax = adapter.defaultLimits(cfg).maxLength;
      if (common.maxLength > platformMax) {
        problems.push(`${where([...at, "maxLength"])}: ${common.maxLength} is above ${entry.platform}'s limit of ${platformMax}; it may only tighten it`);
      }
    }
    const destination: Destination = { id: intern.string(common.id), platform: common.platform, adapter, common, cfg, pausedReason };
    destinations.push(destination);
    written.push({ at, destination, cfg: structural.data });
  });

  const { feeds } = feedList;
  problems.push(...feedList.unresolved);

  const { routes, routeFilters } = sections.routeTable;

  const warnings: string[] = [];
  const network = networkSetting(input, raw, where, warnings);
  for (const key of Object.keys(raw.memory ?? {})) {
    warnings.push(`${where(["memory", key])}: deprecated and ignored (Crier no longer changes V8's settings at run time); remove it`);
  }
  const publicListener = publicListenerSetting(raw, where, warnings);

  let websub: WebSubSettings | null = null;
  let websubOffReason: string | null = null;
  if (raw.websub) {
    const { publicUrl: _url, listen: _listen, ...settings } = raw.websub;
    const resolved = resolveEnvRefs(raw.websub.secret, opts.env, "websub.secret");
    secretValues.push(...resolved.values);
    if (!publicListener) problems.push(`${where(["websub"])}: WebSub needs the public listener hubs call back: add publicListener: { url: https://…, listen: { host, port } }`);
    else if (resolved.missing.length) websubOffReason = `environment variable ${resolved.missing[0]?.variable} is not set (websub.secret)`;
    else if (String(resolved.value).length < 16) problems.push(`${where(["websub", "secret"])}: the secret must be at least 16 characters`);
    else websub = { ...settings, secret: String(resolved.value), publicUrl: publicListener.url };
  }
  warnings.push(...destinationWarnings(written, publicListener, network.allowPrivateAddresses, where));

  if (raw.alerts && !sections.destinationIds.has(raw.alerts.destination)) {
    problems.push(`${where(["alerts", "destination"])}: no destination with id "${raw.alerts.destination}"`);
  }
  if (problems.length) throw new ConfigError(file, inFileOrder(problems));
  return {
    file,
    storagePath: path.resolve(dir, raw.storage.path),
    storageCacheMB: raw.storage.cacheMB,
    userAgent: raw.userAgent,
    logLevel: raw.logLevel,
    delivery: raw.delivery,
    feedHealth: raw.feedHealth,
    images: raw.images,
    network,
    polling: raw.polling,
    retention: raw.retention,
    ownership: raw.ownership,
    publicListener,
    websub,
    websubOffReason,
    alerts: raw.alerts ?? null,
    credentials: raw.credentials,
    feeds,
    destinations,
    routes,
    routeFilters,
    secretValues: [...new Set(secretValues)],
    warnings,
  };
}

/** `network`, else the deprecated `images.allowPrivateAddresses` (which now covers WebSub hubs too), with a warning. */
function networkSetting(input: unknown, raw: Pick<RawConfig, "images" | "network">, where: (p: PropertyKey[]) => string, warnings: string[]): NetworkConfig {
  const legacy = raw.images.allowPrivateAddresses;
  if (legacy === undefined) return raw.network;
  const given = (input as { network?: { allowPrivateAddresses?: unknown } } | null)?.network?.allowPrivateAddresses !== undefined;
  const at = where(["images", "allowPrivateAddresses"]);
  if (given) {
    warnings.push(`${at}: ignored, network.allowPrivateAddresses is given; remove it`);
    return raw.network;
  }
  warnings.push(`${at}: deprecated; write \`network: { allowPrivateAddresses: ${legacy} }\` instead (it also covers WebSub hubs)`);
  return { ...raw.network, allowPrivateAddresses: legacy };
}

/** `publicListener`, else the deprecated `websub.publicUrl` + `websub.listen` (with a warning); null when neither gives a URL. */
function publicListenerSetting(raw: Pick<RawConfig, "publicListener" | "websub">, where: (p: PropertyKey[]) => string, warnings: string[]): PublicListenerConfig | null {
  const legacy = raw.websub;
  const legacyKeys = (["publicUrl", "listen"] as const).filter((k) => legacy?.[k] !== undefined);
  if (raw.publicListener) {
    for (const k of legacyKeys) warnings.push(`${where(["websub", k])}: ignored, publicListener is given; remove it`);
    return raw.publicListener;
  }
  if (!legacy?.publicUrl) return null;
  const listen = legacy.listen ?? publicListenerSchema().shape.listen.parse(undefined, PARSE_ONCE);
  warnings.push(
    `${where(["websub", "publicUrl"])}: websub.${legacyKeys.join(" and websub.")} ${legacyKeys.length > 1 ? "are" : "is"} deprecated; write \`publicListener: { url: ${legacy.publicUrl}, listen: { host: ${listen.host}, port: ${listen.port} } }\` instead (it also serves images to platforms that pull them)`,
  );
  return publicListenerSchema().parse({ url: legacy.publicUrl, listen }, PARSE_ONCE);
}

/**
 * What the operator should know about destinations whose platform pulls images by URL: without a
 * public listener, fitted images cannot be served; a URL no platform pulls from; then each
 * adapter's own warnings (`Adapter.validate`). Pure.
 */
function destinationWarnings(
  written: ReadonlyArray<{ at: PropertyKey[]; destination: Destination; cfg: unknown }>,
  publicListener: PublicListenerConfig | null,
  allowPrivateAddresses: boolean,
  where: (p: PropertyKey[]) => string,
): string[] {
  const warnings: string[] = [];
  const publicUrl = publicListener?.url ?? null;
  const mediaUrl = publicUrl === null ? null : `${publicUrl.replace(/\/+$/, "")}/media/`;
  const servedProblem = mediaUrl === null ? null : pullableUrlProblem(mediaUrl, allowPrivateAddresses);
  for (const { at, destination, cfg } of written) {
    const { adapter } = destination;
    // Located only for a warning: locating builds the `yaml` document (see parseConfig).
    const name = (): string => `${where(at)} (${destination.id})`;
    if (adapter.imageLimits?.delivery === "pull") {
      if (mediaUrl === null) {
        warnings.push(
          `${name()}: ${adapter.platform} pulls images by URL, and images that need fitting to its rules are served by Crier's public listener, which is not configured: add publicListener: { url: https://…, listen: { host, port } } and run \`crier run\`. Until then only article images that already meet ${adapter.platform}'s rules can be posted; others go without the image, or are skipped where ${adapter.platform} needs one`,
        );
      } else if (servedProblem) {
        warnings.push(`${name()}: ${adapter.platform} cannot pull the images Crier serves at ${mediaUrl}: ${servedProblem} (publicListener.url)`);
      }
    }
    for (const line of adapter.validate?.(cfg, { publicUrl, mediaUrl }) ?? []) warnings.push(`${name()}: ${line}`);
  }
  return warnings;
}

/**
 * Validates the top level, then each list entry on its own, so that one bad entry does not hide
 * the problems of the others; invalid entries are left out of the result (problems are thrown later).
 * Each entry is dropped from `input`'s lists once checked: one form of a list is alive at a time.
 */
interface Sections {
  raw: Omit<RawConfig, "feeds" | "destinations" | "routes">;
  /** The feeds, checked and compact. */
  feedList: FeedList;
  /** The valid destination entries, each with its index in the file. */
  destinations: Array<{ entry: RawConfig["destinations"][number]; index: number }>;
  /** The valid routes, read (./load-routes.ts). */
  routeTable: RouteTable;
  /** Ids of every destination, valid or not, so that references to a broken entry are not reported twice. */
  ids: { destinations: Array<[string, number]> };
  /** The same ids, as a set (what routes and alerts may name). */
  destinationIds: ReadonlySet<string>;
}

function validateSections(input: unknown, lists: ReadonlyMap<string, EntryList>, where: (p: PropertyKey[]) => string, problems: string[], feedContext: Omit<FeedListContext, "refused">): Sections {
  const topSchema = topLevelSchema(input);
  let top = topSchema.safeParse(input, WITH_INPUT);
  if (!top.success) {
    problems.push(...top.error.issues.map((i) => formatIssue(i, [], where, (p) => keysAt(configSchema(), p))));
    // Unknown top-level keys alone do not hide the problems of the lists: check those without them.
    const unknown = top.error.issues.every((i) => i.code === "unrecognized_keys" && i.path.length === 0) ? top.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : [])) : null;
    if (!unknown) throw new ConfigErrorSignal();
    top = topSchema.safeParse(Object.fromEntries(Object.entries(input as object).filter(([k]) => !unknown.includes(k))), WITH_INPUT);
    if (!top.success) throw new ConfigErrorSignal();
  }
  const data = withDefaults(top.data as Partial<TopLevel>);
  // A list read in chunks, or parsed whole: then zod's array is a copy of the input's, and an
  // entry is gone only when neither holds it.
  const listOf = (section: "feeds" | "destinations" | "routes"): EntryList => lists.get(section) ?? arrayList(data[section], (input as Record<string, unknown>)[section]);
  // Each entry with its schema (without the optional sub-objects it leaves out), "did you mean" from the
  // whole one; each valid entry is handed to `take` at once, with its index in the file.
  const each = <T>(section: "destinations" | "routes", schemaFor: (entry: unknown) => z.ZodType<T>, whole: () => z.ZodType, take: (entry: T, index: number) => void): void => {
    const list = listOf(section);
    for (let index = 0; index < list.length; index++) {
      const entry = list.at(index);
      const r = schemaFor(entry).safeParse(entry, WITH_INPUT);
      list.drop(index);
      if (r.success) take(r.data, index);
      else problems.push(...r.error.issues.map((i) => formatIssue(i, [section, index], where, (p) => keysAt(whole(), p))));
    }
  };
  const refused = (index: number, issues: readonly z.core.$ZodIssue[]): void => {
    problems.push(...issues.map((i) => formatIssue(i, ["feeds", index], where, (p) => keysAt(feedSchema(), p))));
  };
  const feedList = checkFeedList(listOf("feeds"), { ...feedContext, refused });
  const destinationEntries = idsOf(data.destinations);
  const destinationIds = new Set(destinationEntries.map(([id]) => id));
  const destinations: Sections["destinations"] = [];
  each("destinations", destinationEntrySchemaFor, destinationEntrySchema, (entry, index) => destinations.push({ entry, index }));
  const routes = new RouteReader({ intern: feedContext.intern, feedIds: feedList.ids, feedEntries: feedList.entries, destinationIds, where, problems });
  each("routes", routeSchemaFor, routeSchema, (route, index) => routes.read(route, index));
  const { feeds: _checked, destinations: _listed, routes: _read, ...rest } = data;
  return { raw: rest, feedList, destinations, routeTable: routes.table(), ids: { destinations: destinationEntries }, destinationIds };
}

/** The top level as checked: the lists' entries are checked one at a time (checkFeedList, `each`). */
type TopLevel = Omit<RawConfig, "feeds" | "destinations" | "routes"> & { feeds: unknown[]; destinations: unknown[]; routes: unknown[] };

const LISTS: ReadonlySet<TopKey> = new Set(["feeds", "destinations", "routes"]);
/** A list at the top level: an array of anything (each entry is checked on its own), none when absent. */
let anyList: z.ZodDefault<z.ZodArray<z.ZodUnknown>> | undefined;
const topSchemas = new Map<string, z.ZodType>();

/**
 * The top level's schema for this file: the fields of the sections it has, in the full schema's
 * order (so its problems come in the same order), and the lists as lists of anything. A section it
 * does not have is never built: its default comes from SECTION_DEFAULTS (withDefaults).
 */
function topLevelSchema(input: unknown): z.ZodType {
  const given = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const keys = TOP_KEYS.filter((key) => LISTS.has(key) || given[key] !== undefined);
  const name = keys.join(" ");
  let schema = topSchemas.get(name);
  if (!schema) {
    anyList ??= z.array(z.unknown()).default([]);
    const list = anyList;
    schema = z.strictObject(Object.fromEntries(keys.map((key) => [key, LISTS.has(key) ? list : topField(key)])));
    topSchemas.set(name, schema);
  }
  return schema;
}

/** The sections the file left out, each its schema's parse of nothing (a copy: a config's objects are its own). */
function withDefaults(data: Partial<TopLevel>): TopLevel {
  const all: Partial<TopLevel> = { ...data };
  for (const [key, value] of Object.entries(SECTION_DEFAULTS) as Array<[keyof typeof SECTION_DEFAULTS, unknown]>) {
    if (all[key] === undefined) (all as Record<string, unknown>)[key] = typeof value === "object" ? { ...value } : value;
  }
  return all as TopLevel;
}

/** The string ids of a list's entries, with their index. */
function idsOf(list: unknown[]): Array<[string, number]> {
  return list.flatMap((e, i): Array<[string, number]> => {
    const id = e && typeof e === "object" ? (e as { id?: unknown }).id : undefined;
    return typeof id === "string" ? [[id, i]] : [];
  });
}

class ConfigErrorSignal extends Error {}

/** Problems by their line ("line 12: …"), as an operator reads the file; those without one last. */
function inFileOrder(problems: string[]): string[] {
  const lineOf = (p: string): number => Number(/^line (\d+)/.exec(p)?.[1] ?? Infinity);
  return problems.map((p, i) => ({ p, i, line: lineOf(p) })).sort((a, b) => a.line - b.line || a.i - b.i).map((x) => x.p);
}

function checkUnique(ids: Array<[string, number]>, section: string, where: (p: PropertyKey[]) => string, problems: string[]): void {
  const seen = new Map<string, number>();
  ids.forEach(([value, index]) => {
    const first = seen.get(value);
    if (first !== undefined) problems.push(`${where([section, index, "id"])}: duplicate id "${value}" (also ${section}[${first}])`);
    else seen.set(value, index);
  });
}

/** `destinations[1].chatId` */
export function pathText(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

/**
 * One problem line per issue. `known`: the keys accepted at a path below `prefix`, for
 * "did you mean" on an unknown key.
 */
function formatIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[], where: (p: PropertyKey[]) => string, known?: (p: PropertyKey[]) => string[]): string {
  const full = [...prefix, ...issue.path];
  // Absent, or written as an empty value (`chatId:` is null in YAML).
  const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input == null;
  if (issue.code === "unrecognized_keys") {
    const candidates = known?.(issue.path as PropertyKey[]) ?? [];
    return issue.keys
      .map((k) => {
        const meant = closest(k, candidates);
        return `${where([...full, k])}: unknown key${meant ? `; did you mean \`${meant}\`?` : ""}`;
      })
      .join("; ");
  }
  return `${where(full)}: ${missing ? "required" : issue.message}`;
}

/** "line 12: destinations[1].chatId", using the nearest node that exists in the document. */
function locate(doc: Document, lineCounter: LineCounter, p: PropertyKey[]): string {
  const name = pathText(p) || "(top level)";
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n) as unknown[], true);
    if (yamlLib().isNode(node) && node.range) return `line ${lineCounter.linePos(node.range[0]).line}: ${name}`;
  }
  return name;
}

/**
 * What the operator should change: deprecated settings read from the file, then what leaves a
 * valid config with nothing (or part of nothing) to do. `crier validate` prints it, a run or a
 * poll logs it. Pure.
 */
export function configWarnings(config: CrierConfig): string[] {
  const see = 'see README "Configuration"';
  if (!config.feeds.length) return [...config.warnings, `no feeds: there is nothing to poll (add feeds, destinations and routes; ${see})`];
  if (!config.destinations.length) return [...config.warnings, `no destinations: nothing will be posted (add destinations and routes; ${see})`];
  const warnings: string[] = [...config.warnings];
  if (!config.feeds.some((f) => f.enabled)) warnings.push("every feed is disabled (enabled: false): there is nothing to poll");
  const unrouted = config.feeds.filter((f) => f.enabled && !config.routes.get(f.id)?.length).map((f) => f.id);
  if (unrouted.length) {
    const names = unrouted.length > 5 ? `${unrouted.slice(0, 5).join(", ")} and ${unrouted.length - 5} more` : unrouted.join(", ");
    warnings.push(`${unrouted.length === 1 ? "feed" : "feeds"} ${names} ${unrouted.length === 1 ? "has" : "have"} no route: new items are recorded, never posted (add routes: - { feed: ID, to: [DESTINATION] })`);
  }
  return warnings;
}

/**
 * What the operator should know that needs no change: `crier validate` prints each as a note
 * (the exit code stays 0). Pure.
 */
export function configNotes(config: CrierConfig): string[] {
  if (!config.publicListener) return []; // then configWarnings says more
  return config.destinations
    .filter((d) => d.adapter.imageLimits?.delivery === "pull")
    .map(
      (d) =>
        `destination ${d.id} (${d.platform}): images that need fitting are served by \`crier run\`'s public listener; with \`poll --once\` only article images that already meet ${d.platform}'s rules can be posted`,
    );
}
