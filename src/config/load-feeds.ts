/**
 * The config's feed list, checked and made compact one entry at a time (issue 17: 100,000 feeds).
 * Each entry's raw forms (js-yaml's value, zod's parsed copy) are dropped as soon as its compact
 * form exists, so that one form of the list is alive at a time: with all three alive at once,
 * `crier validate` of a 16 MB config peaked at ~320 MB RSS.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { feedSchemaFor, PARSE_ONCE, type FeedConfig } from "./schema.js";
import { resolveEnvRefs } from "./env.js";
import { ownCopy, type Interner } from "./compact.js";
import type { EntryList } from "./yaml-lists.js";

export type FeedSource = { kind: "http"; url: string } | { kind: "file"; path: string };

export interface Feed extends FeedConfig {
  source: FeedSource;
}

/** Issues keep the offending value, so that a missing key ("required") differs from a wrong type. */
export const WITH_INPUT = { reportInput: true, ...PARSE_ONCE } as const;

export interface FeedListContext {
  /** One copy of each string and setting (./compact.ts). */
  intern: Interner;
  env: NodeJS.ProcessEnv;
  /** The config file's folder: relative feed paths resolve against it. */
  dir: string;
  /** "line 12: feeds[3].url" */
  where: (p: PropertyKey[]) => string;
  /** Words the schema's issues with entry `index` as problems (load.ts's wording). */
  refused: (index: number, issues: readonly z.core.$ZodIssue[]) => void;
}

export interface FeedList {
  /** The valid entries, compact, in list order. */
  feeds: Feed[];
  /** Every entry's id, valid entry or not, with its first index (a route naming a broken feed is not reported twice). */
  ids: Map<string, number>;
  /** How many entries the list has, valid or not. */
  entries: number;
  /** An id taken by an earlier entry, as problems, in list order. */
  duplicates: string[];
  /** A URL naming an environment variable that is not set, as problems, in list order. */
  unresolved: string[];
  /** Values the URLs took from the environment (secrets). */
  secretValues: string[];
}

/** Checks the entries in order, dropping each (every reference to its raw forms) once it is done with. */
export function checkFeedList(entries: EntryList, ctx: FeedListContext): FeedList {
  const out: FeedList = { feeds: [], ids: new Map(), entries: entries.length, duplicates: [], unresolved: [], secretValues: [] };
  for (let index = 0; index < entries.length; index++) {
    const entry = entries.at(index);
    const id = entry && typeof entry === "object" ? (entry as { id?: unknown }).id : undefined;
    if (typeof id === "string") {
      const first = out.ids.get(id);
      if (first !== undefined) out.duplicates.push(`${ctx.where(["feeds", index, "id"])}: duplicate id "${id}" (also feeds[${first}])`);
      else out.ids.set(id, index);
    }
    const parsed = feedSchemaFor(entry).safeParse(entry, WITH_INPUT);
    if (parsed.success) out.feeds.push(compactFeed(parsed.data, index, ctx, out));
    else ctx.refused(index, parsed.error.issues);
    entries.drop(index);
  }
  return out;
}

function compactFeed(feed: FeedConfig, index: number, ctx: FeedListContext, out: FeedList): Feed {
  const { intern } = ctx;
  // Most URLs name no variable: nothing to resolve (no objects made per feed for it).
  const resolved = feed.url.includes("${") ? resolveEnvRefs(feed.url, ctx.env, `feeds[${index}].url`) : { value: feed.url, values: [], missing: [] };
  out.secretValues.push(...resolved.values);
  if (resolved.missing.length) {
    out.unresolved.push(`${ctx.where(["feeds", index, "url"])}: environment variable ${resolved.missing[0]?.variable} is not set`);
  }
  // Every field in one literal (no property store added later), strings and sub-objects interned:
  // this object is what a running Crier keeps per feed (./compact.ts).
  // A feed's URL is nearly always its own: copied, not interned (the Interner's map would hold an
  // entry per feed while loading).
  const url = ownCopy(feed.url);
  return {
    id: intern.string(feed.id),
    url,
    schedule: intern.string(feed.schedule),
    timezone: intern.string(feed.timezone),
    backlog: feed.backlog,
    timeoutMs: feed.timeoutMs,
    maxBytes: feed.maxBytes,
    maxRedirects: feed.maxRedirects,
    enabled: feed.enabled,
    image: intern.value(feed.image),
    websub: feed.websub,
    source: feedSource(resolved.value === feed.url ? url : intern.string(String(resolved.value)), ctx.dir),
  };
}

function feedSource(url: string, dir: string): FeedSource {
  if (/^https?:\/\//i.test(url)) return { kind: "http", url };
  const filePath = url.startsWith("file://") ? filePathOf(url) : url;
  return { kind: "file", path: path.resolve(dir, filePath) };
}

/** `file:///srv/My%20Feeds/a.xml` -> `/srv/My Feeds/a.xml` (percent-decoded). */
function filePathOf(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return new URL(url).pathname; // a host other than localhost: as before
  }
}
