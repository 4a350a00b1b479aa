/**
 * Delivery: sends due rows (render, gate, send, record) with each destination's state owned in
 * one place (DestinationStates, decisions in delivery/pause.ts), waits out short holds for
 * `poll --once`, recovers rows a dead process left `sending`, and renders what would be posted.
 */
import type { Logger } from "pino";
import type { Connection } from "../core/adapter.js";
import { RenderError } from "../core/adapter.js";
import type { FeedItem } from "../core/feed-item.js";
import { feedsById } from "../config/feed-index.js";
import type { CrierConfig, Destination, Feed } from "../config/load.js";
import type { DeliveryStore } from "../store/deliveries.js";
import type { LeaseClaim } from "../store/leases.js";
import { deliverDue, type DeliveryOutcome } from "../delivery/deliver.js";
import type { Alerter } from "../delivery/alerts.js";
import type { Connections } from "../delivery/connections.js";
import { pauseConfig, type DestinationStates } from "../delivery/destination-states.js";
import { destinationViews, type DestinationView } from "./listings.js";
import type { MediaFetcher } from "../delivery/media.js";
import type { PublicMedia } from "../delivery/pull-image.js";
import { resume, wakeAt } from "../delivery/pause.js";
import { renderPost } from "../delivery/render.js";
import { asCheckResult, credentialAlerts, expiryText } from "../delivery/credential-alerts.js";
import type { PlannedPoll } from "./intake.js";

export type { DeliveryOutcome } from "../delivery/deliver.js";

/** One post a dry run would have made, or why it could not be rendered. */
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

/** An item rendered for a destination as it would be posted (the limits: the adapter's defaults, tightened by the config). */
export type RenderedPreview =
  | { ok: true; post: string; length: number; maxLength: number; unit: string; limitsFrom: "default" | "config" | "discovered" }
  | { ok: false; error: string };

/** A destination's state, judged: what `crier destinations` shows. */
export type { DestinationView } from "./listings.js";

export interface DeliveryDeps {
  config: CrierConfig;
  store: DeliveryStore;
  /** The store's lease this process holds (null: a read-only open, which sends nothing). */
  claim: LeaseClaim | null;
  states: DestinationStates;
  connections: Connections;
  alerter: Alerter;
  media: MediaFetcher | undefined;
  /** The public listener's media, when this process runs it (`crier run`). */
  publicMedia?: PublicMedia | undefined;
  logger: Logger;
  now: () => number;
  scrub: (text: string) => string;
  /** Send nothing, write nothing (a dry run, or a read-only open). */
  dryRun: boolean;
  /** Aborted when the service stops: the send in flight finishes, no new one starts. */
  stopping: AbortSignal;
}

export class DeliveryService {
  private readonly destinationsById: ReadonlyMap<string, Destination>;
  private readonly feedsById: ReadonlyMap<string, Feed>;

  constructor(private readonly deps: DeliveryDeps) {
    this.destinationsById = new Map(deps.config.destinations.map((d) => [d.id, d]));
    this.feedsById = feedsById(deps.config.feeds);
  }

  destination(id: string): Destination | undefined {
    return this.destinationsById.get(id);
  }

  /** One pass over the due rows (all feeds, or only the named ones' rows). */
  async deliverDue(feedIds?: readonly string[]): Promise<DeliveryOutcome[]> {
    const { store, claim, states, connections, config, logger, now, scrub, media, stopping, alerter } = this.deps;
    if (this.deps.dryRun || !claim) return [];
    return deliverDue({
      store,
      claim,
      destinations: config.destinations,
      states,
      connections,
      policy: config.delivery,
      logger,
      alert: (alert) => alerter.send(alert),
      now,
      stopping: () => stopping.aborted,
      scrub,
      media,
      feeds: this.feedsById,
      allowPrivateAddresses: config.network.allowPrivateAddresses,
      publicMedia: this.deps.publicMedia,
      publicListenerConfigured: config.publicListener !== null,
      ...(feedIds ? { feedIds: new Set(feedIds) } : {}),
    });
  }

  /** One pass for the scheduler; true when it was full (more rows may be due at once). */
  async deliverPass(): Promise<boolean> {
    return (await this.deliverDue()).length >= this.deps.config.delivery.batchSize;
  }

  /**
   * Passes until nothing is due now, waiting for rows held by a budget, spacing or a short
   * platform wait, and for posts the platform is still processing, as long as they come due
   * before `deadline` (`crier poll --once`).
   */
  async drain(feedIds: readonly string[] | undefined, deadline: number): Promise<DeliveryOutcome[]> {
    const { config, now, stopping } = this.deps;
    const outcomes: DeliveryOutcome[] = [];
    for (;;) {
      const batch = await this.deliverDue(feedIds);
      outcomes.push(...batch);
      if (stopping.aborted) break;
      if (batch.length >= config.delivery.batchSize) continue;
      const wake = await this.nextDueAt();
      if (wake === null || wake > deadline) break;
      await new Promise((r) => setTimeout(r, Math.max(0, wake - now())));
    }
    return outcomes;
  }

  /** The earliest time a held destination may send again, or null when none is held. */
  nextWake(): number | null {
    const now = this.deps.now();
    const times = this.deps.config.destinations.flatMap((d) => wakeAt(pauseConfig(d), this.deps.states.get(d.id), now) ?? []);
    return times.length ? Math.min(...times) : null;
  }

  /**
   * The earliest time a held destination may send (a rate gate's hold, a timed pause), or a post
   * still processing is looked at again; null when neither.
   */
  async nextDueAt(): Promise<number | null> {
    const now = this.deps.now();
    const active = this.deps.config.destinations.map((d) => d.id);
    const times = [this.nextWake(), await this.deps.store.nextPendingAt(now, active)].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  /**
   * Rows a dead process left `sending` become `uncertain` (alerted), or are queued again where the
   * platform honours an idempotency key (or the operator chose `ambiguous: retry`), or where the
   * send saved a checkpoint its adapter resumes from (`resumesFrom`). Run once at start.
   */
  async recover(): Promise<{ uncertain: number; requeued: number; resumed: number }> {
    if (this.deps.dryRun) return { uncertain: 0, requeued: 0, resumed: 0 };
    const { store, config, logger, alerter } = this.deps;
    const now = this.deps.now();
    const retryable = config.destinations.flatMap((d) => {
      const caps = d.adapter.capabilities;
      if (d.common.ambiguous === "retry") return [{ destinationId: d.id, since: 0 }];
      if (!caps.idempotentSend) return [];
      return [{ destinationId: d.id, since: caps.idempotencyTtlMs === undefined ? 0 : now - caps.idempotencyTtlMs }];
    });
    const resumable = (await store.interruptedSends()).flatMap((row) => {
      const adapter = this.destination(row.destinationId)?.adapter;
      return row.checkpoint !== null && adapter?.resumesFrom?.(row.checkpoint) === true ? [row.id] : [];
    });
    const result = await store.recoverInterrupted(now, retryable, resumable);
    if (result.resumed) logger.info({ count: result.resumed }, "deliveries interrupted by a previous stop are queued again: each resumes from its checkpoint");
    if (result.requeued) logger.info({ count: result.requeued }, "deliveries interrupted by a previous stop are queued again (idempotent platforms)");
    if (result.uncertain) {
      await alerter.send({
        key: "uncertain:recovery",
        title: `${result.uncertain} ${result.uncertain === 1 ? "post" : "posts"} may or may not have been published`,
        detail: "The previous process stopped during these sends. See: crier deliveries --state uncertain; then crier resolve ID --sent|--drop or crier retry ID.",
      });
    }
    return result;
  }

  /** `item` rendered for `destination` as it would be posted, without connecting (the adapter's default limits). */
  preview(destination: Destination, item: FeedItem): RenderedPreview {
    try {
      const r = renderPost(destination, item);
      return { ok: true, post: r.preview, length: r.length, maxLength: r.limits.maxLength, unit: r.limits.unit, limitsFrom: r.limits.source };
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      return { ok: false, error: err.message };
    }
  }

  /** What a dry run's plans would have posted, rendered as the deliveries would be. */
  wouldPost(plans: readonly PlannedPoll[]): DryRunPost[] {
    const out: DryRunPost[] = [];
    for (const { plan, items } of plans) {
      for (const d of plan.deliveries) {
        const item = items.get(d.itemKey);
        const destination = this.destination(d.destinationId);
        if (d.state !== "pending" || !item || !destination || !destination.cfg) continue;
        const r = this.preview(destination, item);
        out.push(
          r.ok
            ? { feedId: item.feedId, destinationId: d.destinationId, title: item.title, state: "would-post", preview: r.post, length: r.length, maxLength: r.maxLength }
            : { feedId: item.feedId, destinationId: d.destinationId, title: item.title, state: "unrenderable", reason: r.error },
        );
      }
    }
    return out;
  }

  /** Each configured destination with its state, judged. */
  destinationViews(): DestinationView[] {
    return destinationViews(this.deps.config.destinations, this.deps.states, this.deps.now());
  }
  /** The operator's `crier resume`: clears the pause and the rejection streak. */
  async resume(destination: Destination): Promise<{ ok: true } | { ok: false; reason: string }> {
    const resumed = resume(pauseConfig(destination), this.deps.states.get(destination.id));
    if (!resumed.ok) return resumed;
    await this.deps.states.set(resumed.state, this.deps.now());
    return { ok: true };
  }

  /**
   * `crier run`'s daily credential watch: each active destination's harmless check, and an alert
   * 14, 3 and 1 days before its credential lapses and for each warning (throttled per destination,
   * threshold and warning). A check that fails is logged: the next send reports the failure.
   * Returns how many alerts were raised.
   */
  async watchCredentials(): Promise<number> {
    if (this.deps.dryRun) return 0;
    const { logger, alerter, stopping } = this.deps;
    let raised = 0;
    for (const { destination, paused, needsOperator } of this.destinationViews()) {
      if (stopping.aborted) break;
      // Paused for the operator already (alerted then); a rate-limit pause does not stop a harmless check.
      if (destination.pausedReason || (paused && needsOperator)) continue;
      let result;
      try {
        const connection = await this.deps.connections.get(destination);
        result = asCheckResult(await connection.check(AbortSignal.timeout(destination.common.timeoutMs)));
      } catch (err) {
        const e = destination.adapter.classify(err);
        logger.warn({ destination: destination.id, kind: e.kind, reason: this.deps.scrub(e.detail ?? e.message) }, "credential watch: the check failed");
        continue;
      }
      const now = this.deps.now();
      logger.info({ destination: destination.id, expires: expiryText(result.expiresAt, now), warnings: result.warnings?.length ?? 0 }, "credential watch: checked");
      for (const alert of credentialAlerts(destination.id, result, now)) {
        await alerter.send({ ...alert, title: this.deps.scrub(alert.title), detail: this.deps.scrub(alert.detail) });
        raised++;
      }
    }
    return raised;
  }

  /** The destination's connection, opened once. May throw what the adapter's connect throws. */
  connect(destination: Destination): Promise<Connection<unknown>> {
    return this.deps.connections.get(destination);
  }

  async close(): Promise<void> {
    await this.deps.connections.closeAll();
    await this.deps.media?.close();
  }
}
