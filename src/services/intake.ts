/**
 * Feed intake: polls feeds (fetch, parse, select new, queue) through one bounded pool, and takes
 * the documents WebSub hubs push. A feed is never polled twice at once: a cycle that meets a feed
 * another cycle is still polling leaves it to that one.
 */
import type { Logger } from "pino";
import { feedsById } from "../config/feed-index.js";
import type { CrierConfig, Feed } from "../config/load.js";
import type { FeedItem } from "../core/feed-item.js";
import type { FeedStore, PolledFeed, PollPlan } from "../store/feeds.js";
import { StorageError } from "../store/storage-error.js";
import { configureFetchPool, closeFetchPool, FetchError } from "../intake/fetch.js";
import { ParseError } from "../intake/parse-types.js";
import { feedLocation, pollFeed, readFeed, reportOf, type FeedAlert, type FeedPollReport, type PollContext, type PollOptions, type PushedContent } from "../intake/poll-feed.js";
import type { WebSubLinks } from "../intake/websub-links.js";
import { spreadOut } from "../scheduler/spread.js";
import { PollSlots } from "./poll-slots.js";

/** What intake tells the WebSub subscriber, and asks of it (the subscriber satisfies this as it is). */
export interface IntakePeer {
  /** What a fetch said of the feed's hub and self URL. */
  discovered(feed: Feed, links: WebSubLinks): void;
  /** How often a feed its hub pushes is still polled; null when it has no active subscription. */
  safetyNetMs(feedId: string): number | null;
}

export interface PollFeedsOptions {
  /** Each feed starts at its own fixed offset within this window (ms). */
  spreadMs?: number;
  /** Deliveries were queued: a spread cycle is long, deliver as items come. */
  onQueued?: () => void;
  /** The operator asked for this poll: feeds in backoff are polled too (see PollOptions). */
  operator?: boolean;
  /** The WebSub subscriber, under `crier run` with WebSub on. */
  websub?: IntakePeer | null;
  /**
   * "all" (default): every polled feed's report. "notable": only reports that say something (parsed,
   * held, error, a warning); the others are only counted in `tally`. `crier run`'s cycles keep no
   * more: 100,000 reports alive through a 5-minute spread cycle would be old-generation memory for nothing.
   */
  reports?: "all" | "notable";
}

/** A dry run's plan for one feed, with the items it names (kept only in a dry run). */
export interface PlannedPoll {
  plan: PollPlan;
  items: ReadonlyMap<string, FeedItem>;
}

export interface PollCycle {
  /** Each polled feed's report (only the notable ones when asked), in the order asked for. */
  reports: FeedPollReport[];
  /** How many polled feeds reported each status ("not-modified/304", "parsed", ...), every report counted. */
  tally: Record<string, number>;
  /** Dry run only: what each feed's poll would have written. */
  plans: PlannedPoll[];
}

export interface IntakeDeps {
  config: CrierConfig;
  store: FeedStore;
  logger: Logger;
  now: () => number;
  scrub: (text: string) => string;
  /** Tells the operator (delivery's alerter); never throws. */
  alert: (alert: FeedAlert) => Promise<void>;
  /** Write nothing (a dry run, or a read-only open). */
  dryRun: boolean;
  /** Aborted when the service stops: spread-out polls waiting for their turn give up. */
  stopping: AbortSignal;
}

/** The route list of a feed no route names (one list, so such feeds share a context too). */
const NO_ROUTES: string[] = [];

/** A report's key in a cycle's tally: constant strings (a key built per poll is a string to hash per poll). */
function tallyKey(report: FeedPollReport): string {
  if (report.status !== "not-modified") return report.status;
  return report.via === "same-body" ? "not-modified/same-body" : "not-modified/304";
}

/** Reports that say only "polled, nothing to do" (not kept unless all reports are asked for). */
const QUIET: ReadonlySet<FeedPollReport["status"]> = new Set(["not-modified", "fresh", "subscribed", "backoff"]);

export class FeedIntake {
  private readonly feedsById: ReadonlyMap<string, Feed>;
  /** One pool for every poll, whichever schedule started it. */
  private readonly slots: PollSlots;
  /** Each feed's context, made once (a poll cycle of thousands of feeds allocates little). */
  private readonly contexts = new Map<string, PollContext>();
  /**
   * The contexts feeds share, by their route list: the config gives feeds routed alike one list
   * (load.ts), so the list itself is the key. Feeds with route filters have their own.
   */
  private readonly sharedContexts = new Map<readonly string[], PollContext>();
  /** Feeds being polled (or processing a push) now: a Set, so a cycle of 10,000 feeds allocates nothing for it. */
  private readonly busy = new Set<string>();
  /** Pushes waiting for a feed to be free (rare: made only when one waits). */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly deps: IntakeDeps) {
    this.feedsById = feedsById(deps.config.feeds);
    this.slots = new PollSlots(deps.config.polling.concurrency);
    configureFetchPool({ connectionsPerHost: deps.config.polling.connectionsPerHost });
  }

  feed(id: string): Feed | undefined {
    return this.feedsById.get(id);
  }

  /**
   * Polls feeds (all enabled, or the named ones) through one bounded pool. Never throws for one
   * feed's failure; throws a StorageError when the store fails (the feeds after it are not polled).
   */
  async pollFeeds(feedIds?: readonly string[], opts: PollFeedsOptions = {}): Promise<PollCycle> {
    const { config, now, stopping } = this.deps;
    const feeds = feedIds
      ? feedIds.map((id) => {
          const feed = this.feed(id);
          if (!feed) throw new Error(`no feed with id "${id}" in ${config.file}`);
          return feed;
        })
      : config.feeds.filter((f) => f.enabled);
    const polled = new PolledBatch(this.deps.store, this.deps.logger);
    // Each feed's report by its place in `feeds` (no map keyed by id for 10,000 feeds); the plan and items in a dry run only.
    const reportAt: Array<FeedPollReport | undefined> = new Array<FeedPollReport | undefined>(feeds.length);
    const planOf = this.deps.dryRun ? new Map<string, PlannedPoll>() : null;
    const tally: Record<string, number> = {};
    const keepAll = (opts.reports ?? "all") === "all";
    const order = spreadOut(feeds, opts.spreadMs ?? 0);
    const start = now();
    // A poll starts when a slot is free: nothing waits in the pool for its turn (10,000 queued
    // closures and promises would be memory for nothing), and no promise is made per poll but the
    // poll's own. `pump` and `poll` are made once per cycle, not per feed.
    // The cycle's order is made an entry at a time (no object per feed held for the whole interval).
    let next = order.next();
    let running = 0;
    let failure: { err: unknown } | null = null;
    let queued = false; // `wake` is in the slots' queue
    let timer: NodeJS.Timeout | null = null;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const pump = (): void => {
      while (!next.done && !failure && !stopping.aborted) {
        const { feed, offset, index } = next.value;
        const wait = offset === 0 ? 0 : start + offset - now(); // a cycle not spread asks no clock per feed
        if (wait > 0) {
          timer ??= setTimeout(() => {
            timer = null;
            pump();
          }, wait);
          return;
        }
        // Another cycle (crier run's first one, a schedule's tick) or a push may be at this feed now:
        // polling it again would fetch it twice and record its outcome twice. Skipped here, in the
        // loop: a poll that ended before its first await would call `pump` again from inside it.
        if (this.busy.has(feed.id)) {
          next = order.next();
          this.deps.logger.debug({ feed: feed.id }, "already being polled: left to that poll");
          continue;
        }
        if (!this.slots.tryTake()) {
          if (!queued) this.slots.whenFree(wake);
          queued = true;
          return;
        }
        next = order.next();
        running++;
        void poll(feed, index);
      }
      if (running === 0) finish(); // a failure of the store fails every feed after it; a stop, those not started
    };
    const wake = (): void => {
      queued = false;
      pump();
    };
    const stopped = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      pump();
    };
    // The poll's options, shared by the cycle's feeds unless a hub pushes some (a safety net per feed).
    const shared: PollOptions | null = opts.websub ? null : { operator: opts.operator ?? false, safetyNetMs: null };
    const poll = async (feed: Feed, index: number): Promise<void> => {
      this.busy.add(feed.id);
      try {
        const result = await pollFeed(feed, this.context(feed), undefined, shared ?? { operator: opts.operator ?? false, safetyNetMs: opts.websub?.safetyNetMs(feed.id) ?? null });
        const batchWrite = result.polled ? polled.add(result.polled) : undefined;
        if (batchWrite) await batchWrite;
        const { report } = result;
        if (report?.queued) opts.onQueued?.();
        if (result.websub) opts.websub?.discovered(feed, result.websub);
        const key = report ? tallyKey(report) : result.unchanged === "same-body" ? "not-modified/same-body" : "not-modified/304";
        tally[key] = (tally[key] ?? 0) + 1;
        if (keepAll || (report && (!QUIET.has(report.status) || report.warnings?.length))) reportAt[index] = reportOf(feed.id, result);
        if (planOf && result.plan && result.items) planOf.set(feed.id, { plan: result.plan, items: result.items });
      } catch (err) {
        failure ??= { err };
      } finally {
        this.free(feed.id);
        running--;
        this.slots.release();
        pump();
      }
    };
    stopping.addEventListener("abort", stopped);
    try {
      pump();
      await finished;
    } finally {
      stopping.removeEventListener("abort", stopped);
      if (timer) clearTimeout(timer);
    }
    if (failure) throw (failure as { err: unknown }).err;
    await polled.flush();
    // In the order asked for (a feed may be missing when the service stopped mid-cycle, or when
    // another cycle was polling it).
    return {
      reports: reportAt.filter((r): r is FeedPollReport => r !== undefined),
      tally,
      plans: planOf ? feeds.flatMap((f) => planOf.get(f.id) ?? []) : [],
    };
  }

  /**
   * Processes a feed document its WebSub hub pushed, or (content "notified") fetches the feed its
   * hub said changed. Outside the polling pool: it is one feed, now; after a poll of the same feed
   * in progress, never beside it.
   */
  async acceptPushed(feedId: string, content: PushedContent | "notified"): Promise<FeedPollReport> {
    const feed = this.feed(feedId);
    if (!feed) throw new Error(`no feed with id "${feedId}" in ${this.deps.config.file}`);
    while (this.busy.has(feedId)) await new Promise<void>((wake) => this.waiting.set(feedId, [...(this.waiting.get(feedId) ?? []), wake]));
    this.busy.add(feedId);
    try {
      const result = await pollFeed(feed, this.context(feed), content);
      if (result.polled) await this.deps.store.recordPolled([result.polled]);
      return reportOf(feedId, result);
    } finally {
      this.free(feedId);
    }
  }

  /**
   * The feed's items as a poll would read them now (fetched and parsed, nothing written), or why
   * it cannot be read: the feed's failure as a poll reports it.
   */
  async readItems(feed: Feed): Promise<{ ok: true; items: readonly FeedItem[] } | { ok: false; error: string }> {
    try {
      return { ok: true, items: (await readFeed(feed, this.deps.config.userAgent)).items };
    } catch (err) {
      if (!(err instanceof FetchError || err instanceof ParseError)) throw err;
      return { ok: false, error: this.deps.scrub(`feed ${feed.id} (${feedLocation(feed)}): ${err.message}`) };
    }
  }

  /** Closes the feed fetcher's connection pool. */
  async close(): Promise<void> {
    await closeFetchPool();
  }

  /** The feed's poll or push is over: wakes the pushes waiting for it (each checks again). */
  private free(feedId: string): void {
    this.busy.delete(feedId);
    const wake = this.waiting.get(feedId);
    if (!wake) return;
    this.waiting.delete(feedId);
    for (const w of wake) w();
  }

  private context(feed: Feed): PollContext {
    let ctx = this.contexts.get(feed.id);
    if (!ctx) {
      const { config } = this.deps;
      const routes = config.routes.get(feed.id) ?? NO_ROUTES;
      const filters = config.routeFilters.get(feed.id);
      // Feeds with the same routes and no filter share one context: 10,000 feeds to the same
      // destinations hold one object, not 10,000 copies of the same fields.
      const shareKey = filters ? null : routes;
      ctx = (shareKey !== null ? this.sharedContexts.get(shareKey) : undefined) ?? this.newContext(routes, filters);
      if (shareKey !== null) this.sharedContexts.set(shareKey, ctx);
      this.contexts.set(feed.id, ctx);
    }
    return ctx;
  }

  private newContext(routes: string[], filters: PollContext["filters"]): PollContext {
    const { config, store, logger, now, dryRun, scrub, alert } = this.deps;
    return { store, routes, userAgent: config.userAgent, logger, now, dryRun, scrub, health: config.feedHealth, polling: config.polling, alert, filters };
  }
}

/** Not-modified polls, written in batches: one transaction per 500 feeds, not one per feed. */
class PolledBatch {
  private pending: PolledFeed[] = [];
  constructor(
    private readonly store: FeedStore,
    private readonly logger: Logger,
  ) {}

  /** Queues one poll; returns the write's promise when this one filled the batch, else nothing to wait for. */
  add(polled: PolledFeed): Promise<void> | undefined {
    this.pending.push(polled);
    return this.pending.length >= 500 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    // Only "last polled" and freshness: losing them (a crash before the write) costs one more poll.
    // A store that cannot be written at all is another matter: the caller must stop.
    await this.store.recordPolled(batch).catch((err: unknown) => {
      if (err instanceof StorageError) throw err;
      this.logger.error({ err }, "could not record polled feeds");
    });
  }
}
