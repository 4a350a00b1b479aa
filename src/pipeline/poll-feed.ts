/**
 * One feed through fetch -> parse -> select new, with the plan applied to the store (unless
 * dry-run). Errors are caught here and reported against the feed: one broken feed never stops
 * the others.
 */
import type { Logger } from "pino";
import type { Feed } from "../config/load.js";
import type { DeliveryStore, PollPlan } from "../store/types.js";
import { fetchFeed } from "./fetch.js";
import { parseFeed } from "./parse.js";
import { identify, planPoll } from "./select-new.js";
import type { FeedItem } from "../core/feed-item.js";
import type { FeedHealthConfig, RouteFilter } from "../config/schema.js";
import { filterReason } from "./filter.js";
import type { Alerter } from "./alerts.js";
import { backoffMs } from "./record.js";

export interface FeedPollReport {
  feedId: string;
  status: "not-modified" | "parsed" | "held" | "error" | "backoff";
  /** For not-modified: how it was known ("304" or "same-body"). */
  via?: "304" | "same-body";
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
  store: DeliveryStore;
  routes: string[];
  userAgent: string;
  logger: Logger;
  now: () => number;
  dryRun: boolean;
  /** Removes secret values (a token in a feed URL) from stored and printed errors. */
  scrub: (text: string) => string;
  health: FeedHealthConfig;
  alerter: Alerter;
  /** This feed's route filters by destination. */
  filters?: ReadonlyMap<string, RouteFilter> | undefined;
}

export interface PollResult {
  report: FeedPollReport;
  /** The plan computed (applied unless dry-run), with the items it refers to. */
  plan: PollPlan | null;
  items: Map<string, FeedItem>;
}

export async function pollFeed(feed: Feed, ctx: PollContext): Promise<PollResult> {
  const log = ctx.logger.child({ feed: feed.id });
  const none = { plan: null, items: new Map<string, FeedItem>() };
  try {
    const state = await ctx.store.getFeedState(feed.id);
    if (state?.nextPollAt && state.nextPollAt > ctx.now()) {
      const until = new Date(state.nextPollAt).toISOString();
      return { ...none, report: { feedId: feed.id, status: "backoff", error: `${state.demotedAt ? "demoted to a slow probe" : "failing"}; next poll at ${until}. Last error: ${state.lastError}` } };
    }
    const seeded = await ctx.store.getSeededRoutes(feed.id);
    // A route not yet seeded needs the items themselves: no conditional GET, no body-hash shortcut.
    const routesSettled = ctx.routes.every((r) => seeded.has(r));
    const conditional = routesSettled && !state?.acceptMode;
    const fetched = await fetchFeed({
      source: feed.source,
      etag: conditional ? (state?.etag ?? null) : null,
      lastModified: conditional ? (state?.lastModified ?? null) : null,
      timeoutMs: feed.timeoutMs,
      maxBytes: feed.maxBytes,
      maxRedirects: feed.maxRedirects,
      userAgent: ctx.userAgent,
    });
    const unchanged =
      fetched.status === "not-modified" || (conditional && state?.bodyHash != null && fetched.bodyHash === state.bodyHash);
    if (unchanged) {
      if (!ctx.dryRun) await ctx.store.recordNotModified(feed.id, ctx.now());
      log.debug("not modified");
      return { ...none, report: { feedId: feed.id, status: "not-modified", via: fetched.status === "not-modified" ? "304" : "same-body" } };
    }
    const parsed = await parseFeed(fetched.body, fetched.contentType, feed.id, fetched.url, { minImageWidth: feed.image.minWidth });
    for (const warning of parsed.warnings) log.warn({ warning }, "feed recovered with a warning");
    const identified = identify(parsed.items, parsed.channelLink);
    const known = await ctx.store.getKnown(
      feed.id,
      identified.map((i) => i.key),
      identified.flatMap((i) => (i.normLink ? [i.normLink] : [])),
    );
    const plan = planPoll({
      feedId: feed.id,
      now: ctx.now(),
      items: identified,
      known,
      hasHistory: state?.hasHistory ?? false,
      routes: ctx.routes,
      seededRoutes: seeded,
      backlog: feed.backlog,
      acceptMode: state?.acceptMode ?? null,
      fetchMeta: { etag: fetched.etag, lastModified: fetched.lastModified, bodyHash: fetched.bodyHash },
      filter: (destinationId, item) => filterReason(item, ctx.filters?.get(destinationId), ctx.now()),
    });
    const applied = ctx.dryRun
      ? {
          queued: plan.deliveries.filter((d) => d.state === "pending").length,
          skipped: plan.deliveries.filter((d) => d.state === "skipped").length,
        }
      : await ctx.store.applyPlan(plan);
    const items = new Map(identified.map((i) => [i.key, i.item]));
    if (plan.hold) {
      log.warn({ reason: plan.hold }, "feed held");
      return { plan, items, report: { feedId: feed.id, status: "held", items: identified.length, error: plan.hold, warnings: parsed.warnings } };
    }
    const fresh = plan.newItems.filter((n) => n.aliasOf === null).length;
    log.info({ items: identified.length, new: fresh, queued: applied.queued, skipped: applied.skipped }, "feed parsed");
    return {
      plan,
      items,
      report: { feedId: feed.id, status: "parsed", items: identified.length, new: fresh, queued: applied.queued, skipped: applied.skipped, warnings: parsed.warnings },
    };
  } catch (err) {
    const where = feed.source.kind === "http" ? feed.source.url : feed.source.path;
    const message = ctx.scrub(`feed "${feed.id}" (${where}): ${(err as Error).message}`);
    log.error({ error: message }, "feed failed");
    if (!ctx.dryRun) await recordFailure(feed.id, message, ctx).catch((e: unknown) => log.error({ error: String(e) }, "could not record the failure"));
    return { ...none, report: { feedId: feed.id, status: "error", error: message } };
  }
}

/** Backs a failing feed off, and demotes it to a slow probe (with an alert) after a streak. */
async function recordFailure(feedId: string, message: string, ctx: PollContext): Promise<void> {
  const now = ctx.now();
  const state = await ctx.store.getFeedState(feedId);
  const streak = (state?.errorStreak ?? 0) + 1;
  const demote = streak >= ctx.health.demoteAfter;
  const nextPollAt = demote ? now + ctx.health.probeIntervalMs : now + backoffMs(streak, ctx.health.retryBaseMs, ctx.health.retryMaxMs, Math.random());
  await ctx.store.recordFeedError(feedId, { message, now, nextPollAt, demote });
  if (demote && !state?.demotedAt) {
    await ctx.alerter.send({
      key: `feed-demoted:${feedId}`,
      title: `feed ${feedId} keeps failing`,
      detail: `${streak} polls in a row failed; it is now probed every ${Math.round(ctx.health.probeIntervalMs / 60_000)} min and comes back by itself on the first success (or: crier feed resume ${feedId}).\nLast error: ${message}`,
    });
  }
}
