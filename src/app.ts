/**
 * Builds the running service from a validated config: logger, store, destination runtimes,
 * and the two operations everything else is made of: poll feeds, deliver due rows.
 */
// First: Crier's memory defaults (src/heap.ts) are in place before the other modules load.
import "./heap-default.js";
import { existsSync } from "node:fs";
import path from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger, DestinationStream } from "pino";
import { configWarnings, loadConfig, type AdapterRegistry, type CrierConfig, type Feed } from "./config/load.js";
import { createLogger } from "./log.js";
import { applyMemorySettings } from "./heap.js";
import { createScrubber } from "./secrets.js";
import { SqliteStore } from "./store/sqlite/index.js";
import type { PruneResult, Store } from "./store/index.js";
import type { FeedStore, PolledFeed } from "./store/feeds.js";
import { StorageError } from "./store/storage-error.js";
import { closeFetchPool, configureFetchPool } from "./intake/fetch.js";
import { pollFeed, type FeedPollReport, type PollContext, type PollResult, type PushedContent } from "./intake/poll-feed.js";
import { deliverDue, type DeliveryOutcome } from "./delivery/deliver.js";
import { RenderError } from "./core/adapter.js";
import { Connections } from "./delivery/connections.js";
import { DestinationStates, pauseConfig } from "./delivery/destination-states.js";
import { wakeAt } from "./delivery/pause.js";
import { renderPost } from "./delivery/render.js";
import { Alerter } from "./delivery/alerts.js";
import { spreadOut } from "./scheduler/spread.js";
import type { WebSubLinks } from "./intake/websub-links.js";
import { MediaFetcher } from "./delivery/media.js";

export interface AppOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  adapters: AdapterRegistry;
  /** Open the store read-only (or in memory when there is none yet): nothing is written. */
  dryRun?: boolean;
  logDestination?: DestinationStream;
  logLevel?: string;
  /** Pretty log lines (default: when stderr is a terminal); false: JSON lines always. */
  prettyLogs?: boolean;
  now?: () => number;
}

export interface PollOnceOptions {
  feedIds?: string[];
  /**
   * A scheduled run (cron's `crier poll --once --scheduled`): feeds in backoff or demoted wait for
   * their next try, as under `crier run`. Otherwise the operator asked, and they are polled.
   */
  scheduled?: boolean;
}

export interface DryRunPost {
  feedId: string;
  destinationId: string;
  title: string;
  state: "would-post" | "unrenderable";
  preview?: string;
  length?: number;
  maxLength?: number;
  reason?: string;
}

export interface PollOnceResult {
  feeds: FeedPollReport[];
  deliveries: DeliveryOutcome[];
  /** Dry run only: what would have been posted. */
  wouldPost: DryRunPost[];
}

export class App {
  readonly destinations: CrierConfig["destinations"];
  readonly connections: Connections;
  readonly scrub: (text: string) => string;
  readonly alerter: Alerter;
  readonly media: MediaFetcher | undefined;
  private stoppingFlag = false;
  /** Wakes spread-out polls waiting for their turn when the service stops. */
  private readonly stopSignal = new AbortController();
  readonly now: () => number;
  /** One pool for every poll, whichever schedule started it. */
  private readonly pollLimit: LimitFunction;
  /** Called with what a fetch says of the feed's WebSub hub (set by the WebSub subscriber). */
  onDiscovery: ((feed: Feed, links: WebSubLinks) => void) | null = null;
  /** For a feed its hub pushes: how often a poll is still due (set by the WebSub subscriber). */
  safetyNetMs: ((feedId: string) => number | null) | null = null;
  /**
   * Told when the store itself fails (a damaged or unwritable file) in work nobody awaits, such as
   * a scheduled poll of `crier run`: the service cannot go on recording what it does.
   */
  onStorageFailure: ((err: StorageError) => void) | null = null;

  private constructor(
    readonly config: CrierConfig,
    readonly store: Store,
    readonly logger: Logger,
    private readonly dryRun: boolean,
    now: () => number,
    readonly states: DestinationStates,
  ) {
    this.now = now;
    this.feedsById = new Map(config.feeds.map((f) => [f.id, f]));
    this.pollLimit = pLimit(config.polling.concurrency);
    configureFetchPool({ connectionsPerHost: config.polling.connectionsPerHost });
    this.scrub = createScrubber(config.secretValues);
    this.destinations = config.destinations;
    this.connections = new Connections(logger, path.dirname(config.file), path.dirname(config.storagePath));
    const alertTo = config.alerts ? config.destinations.find((d) => d.id === config.alerts?.destination) : undefined;
    this.alerter = new Alerter(config.alerts, alertTo, { meta: store.meta, states, connections: this.connections, logger, now });
    this.media = config.images.enabled ? new MediaFetcher(config.images, config.userAgent, config.network) : undefined;
  }

  static async create(opts: AppOptions): Promise<App> {
    const config = loadConfig(opts.configPath, { env: opts.env, adapters: opts.adapters });
    const logger = createLogger({
      level: opts.logLevel ?? config.logLevel,
      secretValues: config.secretValues,
      ...(opts.logDestination ? { destination: opts.logDestination } : {}),
      ...(opts.prettyLogs !== undefined ? { pretty: opts.prettyLogs } : {}),
    });
    applyMemorySettings(config.memory);
    for (const warning of configWarnings(config)) logger.warn({ config: config.file, warning }, "config: should change");
    const cacheMB = config.storageCacheMB;
    const store = opts.dryRun
      ? new SqliteStore(existsSync(config.storagePath) ? config.storagePath : ":memory:", { readonly: existsSync(config.storagePath), cacheMB })
      : new SqliteStore(config.storagePath, { cacheMB });
    const states = await DestinationStates.load(store.destinations, config.destinations);
    for (const d of config.destinations) {
      if (d.pausedReason) logger.warn({ destination: d.id, reason: d.pausedReason }, "destination paused by its config");
    }
    return new App(config, store, logger, opts.dryRun ?? false, opts.now ?? Date.now, states);
  }

  get stopping(): boolean {
    return this.stoppingFlag;
  }

  /** Stop starting new work; what is in flight finishes. */
  beginShutdown(): void {
    this.stoppingFlag = true;
    this.stopSignal.abort();
  }

  /**
   * Rows a dead process left `sending` become `uncertain`, or are queued again where the platform
   * honours an idempotency key (or the operator chose `ambiguous: retry`). Run once at start.
   */
  async recover(): Promise<{ uncertain: number; requeued: number }> {
    if (this.dryRun) return { uncertain: 0, requeued: 0 };
    const now = this.now();
    const retryable = this.destinations.flatMap((d) => {
      const caps = d.adapter.capabilities;
      if (d.common.ambiguous === "retry") return [{ destinationId: d.id, since: 0 }];
      if (!caps.idempotentSend) return [];
      return [{ destinationId: d.id, since: caps.idempotencyTtlMs === undefined ? 0 : now - caps.idempotencyTtlMs }];
    });
    const result = await this.store.deliveries.recoverInterrupted(now, retryable);
    if (result.requeued) this.logger.info({ count: result.requeued }, "deliveries interrupted by a previous stop are queued again (idempotent platforms)");
    if (result.uncertain) {
      await this.alerter.send({
        key: "uncertain:recovery",
        title: `${result.uncertain} ${result.uncertain === 1 ? "post" : "posts"} may or may not have been published`,
        detail: "The previous process stopped during these sends. See: crier deliveries --state uncertain; then crier resolve ID --sent|--drop or crier retry ID.",
      });
    }
    return result;
  }

  private readonly feedsById: ReadonlyMap<string, Feed>;

  feed(id: string): Feed | undefined {
    return this.feedsById.get(id);
  }

  /**
   * Polls feeds (all enabled, or the named ones) through one bounded pool. Never throws for one
   * feed's failure. With `spreadMs`, each feed starts at its own fixed offset within that window.
   * `operator`: the operator asked for this poll, so feeds in backoff are polled too (see PollOptions).
   */
  async pollFeeds(feedIds?: string[], opts: { spreadMs?: number; onQueued?: () => void; operator?: boolean } = {}): Promise<{ reports: FeedPollReport[]; wouldPost: DryRunPost[] }> {
    const feeds = feedIds
      ? feedIds.map((id) => {
          const feed = this.feed(id);
          if (!feed) throw new Error(`no feed with id "${id}" in ${this.config.file}`);
          return feed;
        })
      : this.config.feeds.filter((f) => f.enabled);
    const polled = new PolledBatch(this.store.feeds, this.logger);
    // Each feed's report until the cycle returns; the whole result (plan, items) in a dry run only.
    const reportOf = new Map<string, FeedPollReport>();
    const planOf = this.dryRun ? new Map<string, PollResult>() : null;
    // Feeds enter the pool a window at a time, not all at once: 10,000 queued closures and
    // promises would be memory for nothing, since the pool runs `polling.concurrency` of them.
    // A counter and one waiter (not Promise.race over the window, which subscribes to every
    // promise in it once per feed).
    const windowSize = 2 * this.config.polling.concurrency;
    let inWindow = 0;
    let slotFreed: (() => void) | null = null;
    let failure: { err: unknown } | null = null;
    const leaveWindow = (): void => {
      inWindow--;
      const wake = slotFreed;
      slotFreed = null;
      wake?.();
    };
    const start = this.now();
    for (const { feed, offset } of spreadOut(feeds, opts.spreadMs ?? 0)) {
      const wait = start + offset - this.now();
      if (wait > 0) await sleep(wait, this.stopSignal.signal);
      if (this.stoppingFlag || failure) break; // a failure of the store fails every feed after it
      while (inWindow >= windowSize) await new Promise<void>((resolve) => (slotFreed = resolve));
      inWindow++;
      void this.pollLimit(async () => {
        try {
          const result = await pollFeed(feed, this.pollContext(feed), undefined, { operator: opts.operator ?? false });
          const batchWrite = result.polled ? polled.add(result.polled) : undefined;
          if (batchWrite) await batchWrite;
          if (result.report.queued) opts.onQueued?.(); // a spread cycle is long: deliver as items come
          if (result.websub && this.onDiscovery) this.onDiscovery(feed, result.websub);
          reportOf.set(feed.id, result.report);
          planOf?.set(feed.id, result); // plan and items only in a dry run: nothing else of the document is kept
        } catch (err) {
          failure ??= { err };
        } finally {
          leaveWindow();
        }
      });
    }
    while (inWindow > 0) await new Promise<void>((resolve) => (slotFreed = resolve));
    if (failure) throw this.storageFailed((failure as { err: unknown }).err);
    await polled.flush().catch((err: unknown) => {
      throw this.storageFailed(err);
    });
    // In the order asked for (a feed may be missing when the service stopped mid-cycle).
    const reports = feeds.flatMap((f) => reportOf.get(f.id) ?? []);
    const wouldPost: DryRunPost[] = [];
    if (planOf) {
      for (const { plan, items } of feeds.flatMap((f) => planOf.get(f.id) ?? [])) {
        for (const d of plan?.deliveries ?? []) {
          const item = items?.get(d.itemKey);
          const destination = this.destinations.find((x) => x.id === d.destinationId);
          if (d.state !== "pending" || !item || !destination || !destination.cfg) continue;
          try {
            const rendered = renderPost(destination, item);
            wouldPost.push({ feedId: item.feedId, destinationId: d.destinationId, title: item.title, state: "would-post", preview: rendered.preview, length: rendered.length, maxLength: rendered.limits.maxLength });
          } catch (err) {
            if (!(err instanceof RenderError)) throw err;
            wouldPost.push({ feedId: item.feedId, destinationId: d.destinationId, title: item.title, state: "unrenderable", reason: err.message });
          }
        }
      }
    }
    return { reports, wouldPost };
  }

  /**
   * Processes a feed document its WebSub hub pushed, or (content "notified") fetches the feed its
   * hub said changed. Outside the polling pool: it is one feed, now.
   */
  async acceptPushed(feedId: string, content: PushedContent | "notified"): Promise<FeedPollReport> {
    const feed = this.feed(feedId);
    if (!feed) throw new Error(`no feed with id "${feedId}" in ${this.config.file}`);
    const result = await pollFeed(feed, this.pollContext(feed), content);
    if (result.polled) await this.store.feeds.recordPolled([result.polled]);
    return result.report;
  }

  private readonly pollContexts = new Map<string, PollContext>();

  /** One context per feed, made once (a poll cycle of thousands of feeds allocates little). */
  private pollContext(feed: Feed): PollContext {
    let ctx = this.pollContexts.get(feed.id);
    if (!ctx) {
      ctx = this.makePollContext(feed);
      this.pollContexts.set(feed.id, ctx);
    }
    return ctx;
  }

  private makePollContext(feed: Feed): PollContext {
    return {
      store: this.store.feeds,
      routes: this.config.routes.get(feed.id) ?? [],
      userAgent: this.config.userAgent,
      logger: this.logger,
      now: this.now,
      dryRun: this.dryRun,
      scrub: this.scrub,
      health: this.config.feedHealth,
      polling: this.config.polling,
      alert: (alert) => this.alerter.send(alert),
      filters: this.config.routeFilters.get(feed.id),
      safetyNetMs: (feedId) => this.safetyNetMs?.(feedId) ?? null,
    };
  }

  /** Delivers due rows once (all feeds, or only the named ones' rows). */
  async deliver(feedIds?: string[]): Promise<DeliveryOutcome[]> {
    if (this.dryRun) return [];
    return deliverDue({
      store: this.store.deliveries,
      destinations: this.destinations,
      states: this.states,
      connections: this.connections,
      alert: (alert) => this.alerter.send(alert),
      policy: this.config.delivery,
      logger: this.logger,
      now: this.now,
      stopping: () => this.stoppingFlag,
      scrub: this.scrub,
      media: this.media,
      feeds: this.feedsById,
      ...(feedIds ? { feedIds: new Set(feedIds) } : {}),
    }).catch((err: unknown) => {
      throw this.storageFailed(err);
    });
  }

  /** One cycle: poll, then deliver until nothing is due now. Unless `scheduled`, the operator asked: backoff is overridden. */
  async pollOnce(opts: PollOnceOptions = {}): Promise<PollOnceResult> {
    await this.recover();
    const { reports, wouldPost } = await this.pollFeeds(opts.feedIds, { operator: !opts.scheduled });
    const deliveries: DeliveryOutcome[] = [];
    const deadline = this.now() + this.config.delivery.onceMaxWaitMs;
    for (;;) {
      const batch = await this.deliver(opts.feedIds);
      deliveries.push(...batch);
      if (this.stoppingFlag) break;
      if (batch.length >= this.config.delivery.batchSize) continue;
      // Rows held by a budget, spacing or a short platform wait: wait for them, within the bound.
      const wake = this.nextWake();
      if (wake === null || wake > deadline) break;
      await new Promise((r) => setTimeout(r, Math.max(0, wake - this.now())));
    }
    if (!opts.feedIds) await this.maintainIfDue();
    return { feeds: reports, deliveries, wouldPost };
  }

  /** The earliest time a held destination may send again, or null when none is held. */
  private nextWake(): number | null {
    const now = this.now();
    const times = this.destinations.flatMap((d) => wakeAt(pauseConfig(d), this.states.get(d.id), now) ?? []);
    return times.length ? Math.min(...times) : null;
  }

  /**
   * Retention: prunes items that left their feeds, finished deliveries and old send-log entries,
   * then checkpoints the WAL. Safe at any time; `crier run` runs it on `retention.schedule`.
   */
  async maintain(): Promise<PruneResult | null> {
    if (this.dryRun) return null;
    const now = this.now();
    const day = 24 * 3_600_000;
    const { itemsDays, deliveriesDays } = this.config.retention;
    // The send log must reach back over the longest budget window, or a budget would be overrun.
    const longestWindow = Math.max(day, ...this.destinations.flatMap((d) => [...d.adapter.rateLimits, ...d.common.budget].map((w) => w.windowMs)));
    try {
      const pruned = await this.store.prune({
        now,
        itemsLeftBefore: now - itemsDays * day,
        deliveriesBefore: now - deliveriesDays * day,
        sendLogBefore: now - longestWindow,
      });
      await this.store.checkpoint();
      await this.store.meta.setMeta("maintained_at", String(now));
      this.logger.info({ ...pruned }, "store maintained: pruned and checkpointed");
      return pruned;
    } catch (err) {
      if (err instanceof StorageError) throw this.storageFailed(err);
      this.logger.error({ err }, "store maintenance failed");
      return null;
    }
  }

  /** Passes a StorageError to `onStorageFailure`; returns `err` for the caller to throw. */
  private storageFailed(err: unknown): unknown {
    if (err instanceof StorageError) this.onStorageFailure?.(err);
    return err;
  }

  /** Runs `maintain` when it has not run for a day (for `crier poll --once` from cron). */
  async maintainIfDue(): Promise<PruneResult | null> {
    if (this.dryRun) return null;
    const last = Number((await this.store.meta.getMeta("maintained_at")) ?? 0);
    return this.now() - last >= 24 * 3_600_000 ? this.maintain() : null;
  }

  async close(): Promise<void> {
    await this.connections.closeAll();
    await closeFetchPool();
    await this.media?.close();
    await this.store.close();
    this.logger.flush?.();
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

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
