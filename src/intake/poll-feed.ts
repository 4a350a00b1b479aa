/**
 * One feed through fetch -> parse -> select new, with the plan applied to the store (unless
 * dry-run). Errors are caught here and reported against the feed: one broken feed never stops
 * the others.
 */
import type { WebSubLinks } from "./websub-links.js";
import type { Logger } from "pino";
import type { Feed } from "../config/load.js";
import { keysDigest, type FeedState, type FeedStore, type PolledFeed, type PollPlan, type PollState } from "../store/feeds.js";
import { FetchError, fetchFeed, type FetchRequest, type FetchResult } from "./fetch.js";
import type { ParsedFeed } from "./parse-types.js";
import type { ParseOptions } from "./parse.js";
import type { ScannedFeed } from "./scan-keys.js";
import { adoptLegacyKeys, identify, identifyScanned, keysIfNoneNew, knownQuery, planNoneNew, planPoll } from "./select-new.js";
import type { FeedItem } from "../core/feed-item.js";
import type { FeedHealthConfig, PollingConfig, RouteFilter } from "../config/schema.js";
import { filterReason } from "./filter.js";
import { backoffMs } from "../core/backoff.js";
import { StorageError } from "../store/storage-error.js";

export interface FeedPollReport {
  feedId: string;
  /**
   * not-modified: fetched, nothing to parse; parsed; held (flood); error; backoff: failing, not
   * polled before its next try; fresh: the server's max-age / Retry-After has not run out;
   * subscribed: WebSub pushes this feed, and the safety-net poll is not due.
   */
  status: "not-modified" | "parsed" | "held" | "error" | "backoff" | "fresh" | "subscribed";
  /**
   * For not-modified: how it was known ("304" or "same-body"). For parsed: "push" when a hub sent
   * it; "scan" when the body changed but the identity scan found every item known (no full parse).
   */
  via?: "304" | "same-body" | "push" | "scan";
  items?: number;
  /** Items new to the feed. */
  new?: number;
  /** Deliveries queued for posting. */
  queued?: number;
  /** Deliveries recorded without posting (first run, link already posted, accepted flood). */
  skipped?: number;
  error?: string;
  warnings?: string[];
}

export interface PollContext {
  store: FeedStore;
  routes: string[];
  userAgent: string;
  logger: Logger;
  now: () => number;
  dryRun: boolean;
  /** Removes secret values (a token in a feed URL) from stored and printed errors. */
  scrub: (text: string) => string;
  health: FeedHealthConfig;
  polling: PollingConfig;
  /** Tells the operator (delivery's alerter, throttled); never throws. */
  alert: (alert: FeedAlert) => Promise<void>;
  /** This feed's route filters by destination. */
  filters?: ReadonlyMap<string, RouteFilter> | undefined;
}

/** An operator alert about a feed (the alert sink is delivery's; intake only names what happened). */
export interface FeedAlert {
  /** Throttle subject, e.g. "feed-demoted:news". */
  key: string;
  title: string;
  detail: string;
}

/** A feed document a WebSub hub pushed (content distribution), instead of fetching it. */
export interface PushedContent {
  body: Buffer;
  contentType: string | null;
  /** The topic URL (base for relative links). */
  url: string;
}

export interface PollResult {
  /**
   * What the poll reports; absent when it found the feed unchanged and has nothing else to say
   * (`unchanged`): a cycle that keeps only notable reports builds none for it (`reportOf` does when asked).
   */
  report?: FeedPollReport;
  /** How a poll without a report knew the feed was unchanged. */
  unchanged?: "304" | "same-body";
  /** A fetch that needed no parse: to be recorded with others in one write (`store.recordPolled`). */
  polled?: PolledFeed;
  /** WebSub discovery from this fetch (HTTP Link headers first, then the document). */
  websub?: WebSubLinks;
  /** Dry run only: the plan computed, with the items it refers to (a real poll drops them at once). */
  plan?: PollPlan;
  items?: Map<string, FeedItem>;
}

/**
 * The parse stack (rss-parser, html-to-text, htmlparser2, iconv-lite: ~15 MB of a process) loads
 * with the first changed body: a process whose feeds all answer 304 never needs it.
 */
let parseModule: Promise<typeof import("./parse.js")> | undefined;
const parseStage = (): Promise<typeof import("./parse.js")> => (parseModule ??= import("./parse.js"));

/** How a poll was started. */
export interface PollOptions {
  /**
   * The operator asked for this poll (`crier poll --once`): a feed backed off or demoted by Crier
   * is polled anyway, and the report says so. Scheduled polls (`crier run`) honour the backoff.
   */
  operator?: boolean;
  /** While a hub pushes this feed (WebSub): a poll is only a safety net this often; null: always poll. */
  safetyNetMs?: number | null;
}

/**
 * Polls one feed. `push`: a WebSub hub sent this document (or, "notified", said the feed changed
 * without sending it): no backoff, freshness or safety-net wait applies.
 */
export async function pollFeed(feed: Feed, ctx: PollContext, push?: PushedContent | "notified", opts: PollOptions = {}): Promise<PollResult> {
  const now = ctx.now();
  const pushed = typeof push === "object" ? push : undefined;
  /** Said with whatever the poll reports (an operator's poll that overrode the backoff). */
  let notes: readonly string[] = NO_NOTES; // an array only when there is one (a 304 has none)
  try {
    const cached = ctx.store.cachedFeedState?.(feed.id);
    const state: PollState | null = cached !== undefined ? cached : await ctx.store.getFeedState(feed.id);
    const seeded = state?.seededRoutes ?? new Set<string>();
    // A route not yet seeded needs the items themselves: no conditional GET, no body-hash shortcut.
    const routesSettled = allIn(ctx.routes, seeded);
    if (pushed && (!routesSettled || !state?.hasHistory || state.acceptMode)) {
      // Pushed content may be only the new entries: never seed or accept a flood from it.
      return pollFeed(feed, ctx, "notified");
    }
    if (!push) {
      if (state?.nextPollAt && state.nextPollAt > now) {
        const until = new Date(state.nextPollAt).toISOString();
        const why = state.demotedAt ? "demoted to a slow probe" : "failing";
        if (!opts.operator) {
          return { report: { feedId: feed.id, status: "backoff", error: `${why}; next poll at ${until}. Last error: ${state.lastError}` } };
        }
        // Crier's own backoff is a guess at when the feed may work again; the operator asking now overrides it.
        notes = [`polled although ${why} and in backoff until ${until} (asked for by the operator). Last error: ${state.lastError}`];
      }
      // The server's own word (Cache-Control max-age, Retry-After on 429/503) holds even for the
      // operator's poll: it is explicit, bounded (polling.maxCacheAgeMs, maxRetryAfterMs), and
      // `crier poll --once` is what cron runs, so overriding it would hammer a server that asked
      // for quiet on every tick.
      if (state?.freshUntil && state.freshUntil > now && routesSettled) {
        const asked = opts.operator ? " (its max-age or Retry-After is honoured even when the operator asks for a poll)" : "";
        return { report: { feedId: feed.id, status: "fresh", error: `the server asked not to be polled before ${new Date(state.freshUntil).toISOString()}${asked}`, ...(notes.length ? { warnings: [...notes] } : {}) } };
      }
      const safetyNet = opts.safetyNetMs ?? null;
      if (safetyNet && routesSettled && state?.lastOkAt && now - state.lastOkAt < safetyNet) {
        return { report: { feedId: feed.id, status: "subscribed" } };
      }
    }
    const conditional = routesSettled && !state?.acceptMode;
    const fetched: FetchResult = pushed
      ? { status: "fetched", maxAgeMs: null, body: pushed.body, bodyHash: "", contentType: pushed.contentType, etag: null, lastModified: null, url: pushed.url, headerLinks: null }
      : await fetchFeed(fetchRequest(feed, ctx.userAgent, conditional ? state : null));
    const moved = fetched.movedTo ? movedNotice(feed, fetched.movedTo, ctx) : null;
    const freshUntil = fetched.maxAgeMs && ctx.polling.maxCacheAgeMs ? now + Math.min(fetched.maxAgeMs, ctx.polling.maxCacheAgeMs) : null;
    // The digests only for a body that came: a 304 (nearly every poll) needs neither. Only this poll
    // writes them, so they are still those of the state read above.
    const digests = fetched.status === "fetched" && !pushed && conditional && state ? await ctx.store.getFeedState(feed.id) : null;
    const unchanged = fetched.status === "not-modified" || (digests?.bodyHash != null && fetched.bodyHash === digests.bodyHash);
    if (unchanged) {
      // The path of nearly every poll: no log object or spread copies unless needed.
      if (ctx.logger.isLevelEnabled("debug")) ctx.logger.debug({ feed: feed.id }, "not modified");
      const via = fetched.status === "not-modified" ? "304" : "same-body";
      if (moved) notes = [...notes, moved];
      const result: PollResult = notes.length ? { report: { feedId: feed.id, status: "not-modified", via, warnings: [...notes] } } : { unchanged: via };
      if (!ctx.dryRun) result.polled = { feedId: feed.id, now, freshUntil };
      if (fetched.headerLinks) result.websub = fetched.headerLinks;
      return result;
    }
    const fetchMeta = pushed ? null : { etag: fetched.etag, lastModified: fetched.lastModified, bodyHash: fetched.bodyHash, freshUntil };
    // A changed body on a settled feed: identities first; the full parse only when one is new.
    const scanned = !pushed && !ctx.dryRun && conditional && state?.hasHistory ? await scanChanged(feed.id, fetched, ctx, digests?.keysDigest ?? null) : null;
    if (scanned?.presentKeys) {
      const applied = await ctx.store.applyPlan(planNoneNew(feed.id, now, scanned.presentKeys, fetchMeta));
      const warnings = [...notes, ...scanned.warnings, ...(moved ? [moved] : [])];
      ctx.logger.info({ feed: feed.id, items: scanned.presentKeys.length, new: 0, via: "scan" }, "feed changed, no new item");
      return {
        ...(fetched.headerLinks ? { websub: fetched.headerLinks } : {}),
        report: { feedId: feed.id, status: "parsed", via: "scan", items: scanned.presentKeys.length, new: 0, queued: applied.queued, skipped: applied.skipped, warnings },
      };
    }
    // New items first: the document without the known items' elements, when the scan can say where they are.
    const parsed = (scanned?.known ? await parseNewOnly(feed, fetched, scanned) : null) ?? (await parseFetched(feed, fetched, scanned?.known));
    for (const warning of parsed.warnings) ctx.logger.warn({ feed: feed.id, warning }, "feed recovered with a warning");
    if (moved) parsed.warnings.push(moved); // reported with the poll; logged once by movedNotice
    parsed.warnings.unshift(...notes);
    const found = identify(parsed.items, parsed.channelLink, parsed.legacyLinks);
    const query = knownQuery(found);
    const known = await ctx.store.getKnown(feed.id, query.keys, query.links);
    const identified = adoptLegacyKeys(found, known);
    const plan = planPoll({
      feedId: feed.id,
      now,
      items: identified,
      known,
      hasHistory: state?.hasHistory ?? false,
      lastOkAt: state?.lastOkAt ?? null,
      routes: ctx.routes,
      seededRoutes: seeded,
      backlog: feed.backlog,
      acceptMode: state?.acceptMode ?? null,
      fetchMeta,
      complete: !pushed,
      filter: (destinationId, item) => filterReason(item, ctx.filters?.get(destinationId), now),
    });
    const applied = ctx.dryRun
      ? {
          queued: plan.deliveries.filter((d) => d.state === "pending").length,
          skipped: plan.deliveries.filter((d) => d.state === "skipped").length,
        }
      : await ctx.store.applyPlan(plan);
    // Only a dry run keeps the items: they are slices of the whole document, and thousands of
    // feeds' documents would otherwise stay alive until the cycle ends.
    const kept = ctx.dryRun ? { plan, items: new Map(identified.map((i) => [i.key, i.item])) } : {};
    const websub = pushed ? undefined : (fetched.headerLinks ?? parsed.websub);
    const discovered = websub ? { websub } : {};
    if (plan.hold) {
      ctx.logger.warn({ feed: feed.id, reason: plan.hold }, "feed held");
      return { ...kept, ...discovered, report: { feedId: feed.id, status: "held", items: identified.length, error: plan.hold, warnings: parsed.warnings } };
    }
    const fresh = plan.newItems.filter((n) => n.aliasOf === null).length;
    ctx.logger.info({ feed: feed.id, items: identified.length, new: fresh, queued: applied.queued, skipped: applied.skipped, ...(pushed ? { via: "push" } : {}) }, "feed parsed");
    return {
      ...kept,
      ...discovered,
      report: {
        feedId: feed.id, status: "parsed", ...(pushed ? { via: "push" as const } : {}), items: identified.length, new: fresh,
        queued: applied.queued, skipped: applied.skipped, warnings: parsed.warnings,
      },
    };
  } catch (err) {
    if (err instanceof StorageError) throw err; // the store failed, not this feed: nothing to back off
    const where = pushed ? `pushed by its hub for ${pushed.url}` : feedLocation(feed);
    const message = ctx.scrub(`feed "${feed.id}" (${where}): ${(err as Error).message}`);
    ctx.logger.error({ feed: feed.id, error: message }, "feed failed");
    if (!ctx.dryRun && !pushed) {
      await recordFailure(feed.id, message, err, ctx).catch((e: unknown) => {
        if (e instanceof StorageError) throw e;
        ctx.logger.error({ feed: feed.id, error: String(e) }, "could not record the failure");
      });
    }
    return { report: { feedId: feed.id, status: "error", error: message, ...(notes.length ? { warnings: [...notes] } : {}) } };
  }
}

const NO_NOTES: readonly string[] = [];

/** Every route is in the set (a loop: `every` with a closure made one closure per poll). */
function allIn(routes: readonly string[], set: ReadonlySet<string>): boolean {
  for (const route of routes) if (!set.has(route)) return false;
  return true;
}

/** A poll's report: its own, or the one a quiet unchanged poll did not build. */
export function reportOf(feedId: string, result: PollResult): FeedPollReport {
  return result.report ?? { feedId, status: "not-modified", via: result.unchanged ?? "304" };
}

/** The request for a feed, conditional on the validators of `known` when given. */
function fetchRequest(feed: Feed, userAgent: string, known: Pick<FeedState, "etag" | "lastModified"> | null): FetchRequest {
  return {
    source: feed.source,
    etag: known?.etag ?? null,
    lastModified: known?.lastModified ?? null,
    timeoutMs: feed.timeoutMs,
    maxBytes: feed.maxBytes,
    maxRedirects: feed.maxRedirects,
    userAgent,
  };
}

let scanModule: Promise<typeof import("./scan-keys.js")> | undefined;
const scanStage = (): Promise<typeof import("./scan-keys.js")> => (scanModule ??= import("./scan-keys.js"));

/** What the identity scan of a changed body found: all known (the keys to keep), or which items are. */
interface ScanOutcome {
  /** Every item is known: the keys the document's items keep. */
  presentKeys: string[] | null;
  /** Else: the known items by position, for the full parse to read cheaply. */
  known?: NonNullable<ParseOptions["known"]>;
  warnings: string[];
  scan: ScannedFeed;
}

/**
 * The identity scan of a changed body (scan-keys.ts) and the store's answer about its keys. Null
 * when the scan is in doubt: the full parse decides alone.
 */
async function scanChanged(
  feedId: string, fetched: Extract<FetchResult, { status: "fetched" }>, ctx: PollContext, recordedKeys: string | null,
): Promise<ScanOutcome | null> {
  const { scanIdentities } = await scanStage();
  const scan = scanIdentities(fetched.body, fetched.contentType, fetched.url);
  const identified = scan ? identifyScanned(scan.items, scan.channelLink) : null;
  if (!scan || !identified) return null;
  // The key set the last full fetch recorded: all known by their own keys, no question to ask.
  const keys = identified.map((entry) => entry.key);
  if (recordedKeys !== null && keysDigest(keys) === recordedKeys) return { presentKeys: keys, warnings: scan.warnings, scan };
  const query = knownQuery(identified);
  const known = await ctx.store.getKnown(feedId, query.keys, query.links);
  const presentKeys = keysIfNoneNew(identified, known);
  if (presentKeys) return { presentKeys, warnings: scan.warnings, scan };
  const items = new Map<number, (typeof scan.items)[number]>();
  for (const entry of identified) {
    const identity = scan.items[entry.position];
    // Only an item known by its own key: a legacy or alias match is decided on the full item.
    if (identity && known.keys.has(entry.key)) items.set(entry.position, identity);
  }
  return { presentKeys: null, known: { count: scan.items.length, items }, warnings: scan.warnings, scan };
}

let parseNewModule: Promise<typeof import("./parse-new.js")> | undefined;

/** Only the new items parsed (parse-new.ts), or null when the document does not allow it. */
async function parseNewOnly(feed: Feed, fetched: Extract<FetchResult, { status: "fetched" }>, scanned: ScanOutcome): Promise<ParsedFeed | null> {
  if (!scanned.known || !scanned.scan.ranges) return null;
  const { parseNewItems } = await (parseNewModule ??= import("./parse-new.js"));
  const parsed = await parseNewItems(fetched.body, scanned.scan, new Set(scanned.known.items.keys()), fetched.contentType, feed.id, fetched.url, { minImageWidth: feed.image.minWidth });
  if (parsed) takeBody(fetched); // not needed any more
  return parsed;
}

/** Parses a fetched document with the feed's options; the body is handed over to the parser. */
async function parseFetched(feed: Feed, fetched: Extract<FetchResult, { status: "fetched" }>, known?: ParseOptions["known"]): Promise<ParsedFeed> {
  const { parseFeed } = await parseStage();
  // The body goes to the parser and is not kept here: the caller waits on the store after the
  // parse, and a body still referenced then moves to V8's old space and waits for a full GC there.
  // Taken inside the closure: a local here would keep it in this function's context.
  return parseFeed(takeBody(fetched), fetched.contentType, feed.id, fetched.url, { minImageWidth: feed.image.minWidth, ...(known ? { known } : {}) });
}

/**
 * Fetches and parses a feed as a poll does, but unconditionally and writing nothing (what
 * `crier preview` shows when the store has none of its items). @throws FetchError, ParseError
 */
export async function readFeed(feed: Feed, userAgent: string): Promise<ParsedFeed> {
  const fetched = await fetchFeed(fetchRequest(feed, userAgent, null));
  if (fetched.status !== "fetched") throw new FetchError("unexpected 304 without a validator");
  return parseFetched(feed, fetched);
}

/** Where a feed comes from, for messages: its URL or its file. */
export function feedLocation(feed: Feed): string {
  return feed.source.kind === "http" ? feed.source.url : feed.source.path;
}

const NO_BODY = Buffer.alloc(0);

/** The fetched body, handed over: the result keeps an empty one. */
function takeBody(fetched: Extract<FetchResult, { status: "fetched" }>): Buffer {
  const body = fetched.body;
  fetched.body = NO_BODY;
  return body;
}

/** Feeds (and new addresses) already reported as moved by this process: one log line each, not one per poll. */
const movesLogged = new Set<string>();

/**
 * A feed whose server answers with permanent redirects only (301/308) has moved: the config should
 * name the new address (a redirect costs a request on every poll, and the old one may stop).
 */
function movedNotice(feed: Feed, to: string, ctx: PollContext): string {
  const notice = ctx.scrub(`moved permanently to ${to}: update the feed's url in the config`);
  const key = `${feed.id}\n${to}`;
  if (!movesLogged.has(key)) {
    movesLogged.add(key);
    ctx.logger.warn({ feed: feed.id, movedTo: ctx.scrub(to) }, "feed moved permanently; update its url in the config");
  }
  return notice;
}

/** Backs a failing feed off, and demotes it to a slow probe (with an alert) after a streak. */
async function recordFailure(feedId: string, message: string, err: unknown, ctx: PollContext): Promise<void> {
  const now = ctx.now();
  const retryAfterMs = err instanceof FetchError ? err.retryAfterMs : null;
  if (retryAfterMs !== null && ctx.polling.maxRetryAfterMs > 0) {
    // The server is up and said when to come back: honour it, without counting a failure.
    await ctx.store.deferFeed(feedId, now + Math.min(retryAfterMs, ctx.polling.maxRetryAfterMs), message, now);
    return;
  }
  const state = await ctx.store.getFeedState(feedId);
  const wasDemoted = Boolean(state?.demotedAt); // read now: the store may update this object
  const streak = (state?.errorStreak ?? 0) + 1;
  const demote = streak >= ctx.health.demoteAfter;
  const nextPollAt = demote ? now + ctx.health.probeIntervalMs : now + backoffMs(streak, ctx.health.retryBaseMs, ctx.health.retryMaxMs, Math.random());
  await ctx.store.recordFeedError(feedId, { message, now, nextPollAt, demote });
  if (demote && !wasDemoted) {
    await ctx.alert({
      key: `feed-demoted:${feedId}`,
      title: `feed ${feedId} keeps failing`,
      detail: `${streak} polls in a row failed; it is now probed every ${Math.round(ctx.health.probeIntervalMs / 60_000)} min and comes back by itself on the first success (or: crier feed resume ${feedId}).\nLast error: ${message}`,
    });
  }
}
