/**
 * What an operator can ask of Crier, as plain functions of plain data: the CLI's commands call
 * them (and a web console will). A request that cannot apply (no such id, a wrong state) throws a
 * UsageError naming what to do; everything else comes back as data.
 */
import type { Logger } from "pino";
import type { CrierConfig } from "../config/load.js";
import { configWarnings } from "../config/load.js";
import { errorText } from "../core/delivery-error.js";
import type { DeliveryErrorKind } from "../core/delivery-error.js";
import type { Store, PruneResult } from "../store/index.js";
import type { DeliveryFilter, DeliveryRecord, DeliveryState } from "../store/deliveries.js";
import type { WebSubSubscription } from "../store/subscriptions.js";
import type { FeedPollReport } from "../intake/poll-feed.js";
import type { FeedIntake } from "./intake.js";
import type { DeliveryOutcome, DeliveryService, DryRunPost } from "./delivery.js";
import type { Maintenance } from "./maintenance.js";
import { platformFailure, unknownId, UsageError } from "./errors.js";
import { Listings, type DestinationStatus, type FeedWithStatus } from "./listings.js";
import { asCheckResult, checkAttention, expiryText } from "../delivery/credential-alerts.js";

export interface PollOnceRequest {
  /** Only these feeds (and their rows). */
  feedIds?: readonly string[];
  /**
   * A scheduled run (cron's `crier poll --once --scheduled`): feeds in backoff or demoted wait for
   * their next try, as under `crier run`. Otherwise the operator asked, and they are polled.
   */
  scheduled?: boolean;
}

export interface PollOnceResult {
  feeds: FeedPollReport[];
  /** This run's outcomes; a failed one with its error kind. */
  deliveries: Array<DeliveryOutcome & { errorKind?: DeliveryErrorKind | null }>;
  /** Dry run only: what would have been posted. */
  wouldPost: DryRunPost[];
  /** Each destination's state after the run. */
  destinations: DestinationStatus[];
  /** The config's own warnings (nothing to poll, feeds without a route). */
  warnings: string[];
}

export type { DestinationStatus, FeedWithStatus } from "./listings.js";

export interface PostPreview {
  destination: string;
  platform: string;
  title: string;
  post?: string;
  length?: number;
  maxLength?: number;
  unit?: string;
  limitsFrom?: "default" | "config" | "discovered";
  error?: string;
  paused: string | null;
}

/** The previews, or (nothing stored, and the feed cannot be read now) the feed's failure. */
export type PreviewResult = { ok: true; previews: PostPreview[] } | { ok: false; feedError: string };

export interface RetriedDelivery {
  id: number;
  was: { state: DeliveryState; attempts: number; reason: string | null };
}

export interface CheckOutcome {
  destination: string;
  ok: boolean;
  kind?: DeliveryErrorKind;
  text: string;
  /** The account the credential belongs to, as the platform says. */
  account?: string;
  /** When the credential lapses (epoch ms); null: it does not; absent: not known. */
  expiresAt?: number | null;
  /** The expiry in words: a date, "does not expire" or "unknown". */
  expiry?: string;
  /** What the operator must act on (the adapter's warnings). */
  warnings?: readonly string[];
  /** What the operator should know. */
  notes?: readonly string[];
  /** What needs the operator now (exit code 3): the warnings, and a credential lapsing within 14 days. */
  attention?: readonly string[];
}

export interface UnpostOutcome {
  delivery: number;
  deleted: boolean;
  error?: string;
  text: string;
}

/** States a delivery may be queued again from. */
const RETRYABLE: readonly DeliveryState[] = ["failed", "uncertain", "rejected", "deleted"];

export interface OperationsDeps {
  config: CrierConfig;
  store: Store;
  intake: FeedIntake;
  delivery: DeliveryService;
  maintenance: Maintenance;
  logger: Logger;
  scrub: (text: string) => string;
  now: () => number;
}

export class Operations {
  private readonly listings: Listings;
  constructor(private readonly deps: OperationsDeps) {
    this.listings = new Listings({ config: deps.config, store: deps.store, views: () => deps.delivery.destinationViews() });
  }

  /** One cycle: recover, poll, deliver until nothing is due now (waiting out short holds), maintain when due. */
  async pollOnce(req: PollOnceRequest = {}): Promise<PollOnceResult> {
    const { intake, delivery, maintenance, config, store, now } = this.deps;
    for (const id of req.feedIds ?? []) this.feed(id);
    await delivery.recover();
    const cycle = await intake.pollFeeds(req.feedIds, { operator: !req.scheduled });
    const wouldPost = delivery.wouldPost(cycle.plans);
    const outcomes = await delivery.drain(req.feedIds, now() + config.delivery.onceMaxWaitMs);
    if (!req.feedIds) await maintenance.maintainIfDue();
    const deliveries = await Promise.all(
      outcomes.map(async (d) => (d.state === "failed" ? { ...d, errorKind: (await store.deliveries.getDelivery(d.deliveryId))?.errorKind ?? null } : d)),
    );
    return { feeds: cycle.reports, deliveries, wouldPost, destinations: await this.listDestinations(), warnings: configWarnings(config) };
  }

  /**
   * What would be posted for a feed's newest items, rendered exactly as a delivery renders them:
   * from the items the store has for the feed, or, when it has none yet, from the feed fetched now.
   */
  async preview(req: { feedId: string; destinationId?: string; limit: number }): Promise<PreviewResult> {
    const { config, store, intake, delivery } = this.deps;
    const feed = this.feed(req.feedId);
    const ids = req.destinationId ? [req.destinationId] : (config.routes.get(feed.id) ?? []);
    const destinations = ids.map((id) => delivery.destination(id) ?? this.unknownDestination(id));
    if (!destinations.length) throw new UsageError(`feed ${feed.id} has no route in ${config.file}: name one with --destination ID`);
    let items = await store.feeds.recentItems(feed.id, req.limit);
    if (!items.length) {
      const read = await intake.readItems(feed);
      if (!read.ok) return { ok: false, feedError: read.error };
      items = read.items.slice(0, req.limit);
    }
    const previews = items.flatMap((item) =>
      destinations.map((d): PostPreview => {
        const r = delivery.preview(d, item);
        const head = { destination: d.id, platform: d.platform, title: item.title };
        return r.ok
          ? { ...head, post: r.post, length: r.length, maxLength: r.maxLength, unit: r.unit, limitsFrom: r.limitsFrom, paused: d.pausedReason }
          : { ...head, error: r.error, paused: d.pausedReason };
      }),
    );
    return { ok: true, previews };
  }

  /** Delivery records, newest first; `more`: further rows match beyond `limit`. */
  async listDeliveries(filter: DeliveryFilter & { limit: number }): Promise<{ rows: readonly DeliveryRecord[]; more: boolean }> {
    return this.listings.listDeliveries(filter);
  }

  /** Queues deliveries again with a fresh set of attempts: one by id, or every failed one. */
  async retry(req: { id: number } | { failed: true }): Promise<{ queued: RetriedDelivery[] }> {
    const { store, logger, now } = this.deps;
    let rows: readonly DeliveryRecord[];
    if ("id" in req) {
      const row = await this.delivery(req.id);
      if (!RETRYABLE.includes(row.state)) throw new UsageError(`delivery #${req.id} is ${row.state}: only a failed, uncertain, rejected or deleted delivery can be queued again`);
      rows = [row];
    } else rows = await store.deliveries.listDeliveries({ state: "failed", limit: 1_000_000 });
    const queued: RetriedDelivery[] = [];
    for (const row of rows) {
      // The reason keeps what happened before: the attempts counter starts afresh.
      const before = `${row.state} after ${row.attempts} ${row.attempts === 1 ? "attempt" : "attempts"}${row.reason ? `: ${row.reason.length > 300 ? `${row.reason.slice(0, 299)}…` : row.reason}` : ""}`;
      const reason = `queued again by the operator, with a fresh set of attempts (before: ${before})`;
      // A retracted post starts over; any other keeps its checkpoint, so that a send whose outcome was unknown resumes.
      const change = { to: "pending" as const, reason, resetAttempts: true, ...(row.state === "deleted" ? { clearCheckpoint: true } : {}) };
      if (await store.deliveries.transition(row.id, RETRYABLE, change, now())) {
        logger.info({ delivery: row.id, was: row.state, attempts: row.attempts, reason: row.reason }, "delivery queued again by the operator");
        queued.push({ id: row.id, was: { state: row.state, attempts: row.attempts, reason: row.reason } });
      }
    }
    return { queued };
  }

  /** Settles an uncertain (or failed) delivery after the operator checked the channel. */
  async resolve(req: { id: number; as: "sent" | "dropped"; remoteUrl?: string }): Promise<{ id: number; state: "sent" | "skipped" }> {
    const row = await this.delivery(req.id);
    const ok = await this.deps.store.deliveries.transition(
      req.id,
      ["uncertain", "failed"],
      req.as === "sent"
        ? { to: "sent", remoteId: null, remoteUrl: req.remoteUrl ?? null, reason: "resolved by the operator as sent" }
        : { to: "skipped", errorKind: null, reason: "dropped by the operator" },
      this.deps.now(),
    );
    if (!ok) throw new UsageError(`delivery #${req.id} is ${row.state}: only an uncertain or failed delivery can be resolved`);
    return { id: req.id, state: req.as === "sent" ? "sent" : "skipped" };
  }

  /** Each destination's pause and deliveries, judged: does it need the operator? */
  async listDestinations(): Promise<DestinationStatus[]> {
    return this.listings.listDestinations();
  }

  /** Un-pauses a destination paused by the platform or by rejections. */
  async resume(req: { destinationId: string }): Promise<{ destination: string; resumed: true }> {
    const destination = this.deps.delivery.destination(req.destinationId) ?? this.unknownDestination(req.destinationId);
    const resumed = await this.deps.delivery.resume(destination);
    if (!resumed.ok) throw new UsageError(`destination ${destination.id} is ${resumed.reason}`);
    return { destination: destination.id, resumed: true };
  }

  async listSubscriptions(): Promise<readonly WebSubSubscription[]> {
    return this.listings.listSubscriptions();
  }

  /** Retention now. @throws Error when it failed (logged), StorageError when the store did */
  async prune(): Promise<PruneResult> {
    const pruned = await this.deps.maintenance.maintain();
    if (!pruned) throw new Error("the store could not be pruned (see the log)");
    return pruned;
  }

  /** Each configured feed with its state as stored. */
  async listFeeds(): Promise<FeedWithStatus[]> {
    return this.listings.listFeeds();
  }

  /** Clears a failing or demoted feed's backoff: polled on its next schedule. */
  async resumeFeed(req: { feedId: string }): Promise<{ feed: string; resumed: true }> {
    const feed = this.feed(req.feedId);
    await this.deps.store.feeds.resumeFeed(feed.id);
    return { feed: feed.id, resumed: true };
  }

  /** Releases a feed held for a flood: its next poll records the held items (or posts them). */
  async acceptFeed(req: { feedId: string; post: boolean }): Promise<{ feed: string; accepted: "post" | "record" }> {
    const feed = this.feed(req.feedId);
    const mode = req.post ? "post" : "record";
    if (!(await this.deps.store.feeds.acceptFeed(feed.id, mode))) throw new UsageError(`feed ${feed.id} is not held: nothing to accept (see crier feed list)`);
    return { feed: feed.id, accepted: mode };
  }

  /** Verifies a destination's credentials with a harmless call. */
  async check(req: { destinationId: string }): Promise<CheckOutcome> {
    const { delivery, scrub } = this.deps;
    const id = req.destinationId;
    const destination = delivery.destination(id) ?? this.unknownDestination(id);
    if (destination.pausedReason) return { destination: id, ok: false, text: `check not made: paused by its config: ${destination.pausedReason}` };
    try {
      const connection = await delivery.connect(destination);
      const result = asCheckResult(await connection.check(AbortSignal.timeout(destination.common.timeoutMs)));
      const now = this.deps.now();
      const clean = (lines: readonly string[] | undefined) => (lines ?? []).map((l) => scrub(l));
      return {
        destination: id,
        ok: true,
        text: `ok: ${scrub(result.account)} (limit ${connection.limits.maxLength} ${connection.limits.unit}, ${connection.limits.source})`,
        account: scrub(result.account),
        expiresAt: result.expiresAt,
        expiry: expiryText(result.expiresAt, now),
        warnings: clean(result.warnings),
        notes: clean(result.notes),
        attention: clean(checkAttention(result, now)),
      };
    } catch (err) {
      const e = destination.adapter.classify(err);
      return { destination: id, ok: false, kind: e.kind, text: `check failed: ${scrub(platformFailure(e.kind, e.detail ?? errorText(err)))}` };
    }
  }

  /** Retracts a sent post from its platform (where the adapter can delete) and records it as deleted. */
  async unpost(req: { id: number }): Promise<UnpostOutcome> {
    const { delivery, config, store, scrub, now } = this.deps;
    const { id } = req;
    const row = await this.delivery(id);
    if (row.state !== "sent" || !row.remoteId) throw new UsageError(`delivery #${id} is ${row.state}${row.remoteId ? "" : " without a remote id"}: nothing to retract`);
    const destination = delivery.destination(row.destinationId);
    if (!destination) throw new UsageError(`delivery #${id} went to destination ${row.destinationId}, which is no longer in ${config.file}`);
    const post = `${row.remoteId}${row.remoteUrl ? ` (${row.remoteUrl})` : ""}`;
    const cannot = new UsageError(`${destination.platform} posts cannot be deleted through its API; remove post ${post} by hand`);
    if (!destination.adapter.capabilities.delete) throw cannot;
    const connection = await delivery.connect(destination);
    if (!connection.delete) throw cannot;
    try {
      await connection.delete(row.remoteId, AbortSignal.timeout(destination.common.timeoutMs));
    } catch (err) {
      const e = destination.adapter.classify(err);
      const why = scrub(platformFailure(e.kind, e.detail ?? errorText(err)));
      return { delivery: id, deleted: false, error: why, text: `delivery #${id}: ${row.destinationId} did not delete post ${post}: ${why}` };
    }
    await store.deliveries.transition(id, ["sent"], { to: "deleted", errorKind: null, reason: "retracted by the operator (crier unpost)" }, now());
    return { delivery: id, deleted: true, text: `delivery #${id}: deleted post ${post} from ${row.destinationId}` };
  }

  /** @throws UsageError naming the feeds when there is no such feed */
  private feed(id: string): NonNullable<ReturnType<FeedIntake["feed"]>> {
    const feed = this.deps.intake.feed(id);
    if (!feed) throw unknownId("feed", id, this.deps.config.feeds.map((f) => f.id), this.deps.config.file);
    return feed;
  }

  private unknownDestination(id: string): never {
    throw unknownId("destination", id, this.deps.config.destinations.map((d) => d.id), this.deps.config.file);
  }

  /** @throws UsageError when there is no such delivery */
  private async delivery(id: number): Promise<DeliveryRecord> {
    const row = await this.deps.store.deliveries.getDelivery(id);
    if (!row) throw new UsageError(`no delivery #${id} (see crier deliveries)`);
    return row;
  }
}
