/**
 * Stage 5, deliver: takes due rows, marks each `sending` before the send (the outbox), renders
 * with the adapter, sends with a timeout, and records the outcome. One destination's rows go
 * out in order, one at a time; destinations run side by side.
 */
import type { Logger } from "pino";
import type { Connection, PostStyle, Rendered } from "../core/adapter.js";
import type { FeedItem } from "../core/feed-item.js";
import { RenderError } from "../core/adapter.js";
import type { Destination } from "../config/load.js";
import type { DeliveryConfig } from "../config/schema.js";
import type { DeliveryRecord, DeliveryStore, DueDelivery } from "../store/types.js";
import { decide } from "./record.js";

export interface DeliveryOutcome {
  deliveryId: number;
  feedId: string;
  destinationId: string;
  title: string;
  state: DeliveryRecord["state"];
  remoteId?: string | null;
  remoteUrl?: string | null;
  reason?: string | null;
}

/** The destination's post style for one item. Pure. */
export function postStyle(destination: Destination, item: FeedItem): PostStyle {
  return {
    template: destination.common.template ?? destination.adapter.defaultTemplate,
    maxHashtags: destination.common.maxHashtags,
    link: item.link,
  };
}

/** A destination while the process runs: its config, its lazily opened connection, its pause. */
export class DestinationRuntime {
  private connection: Connection<unknown> | null = null;
  pausedUntil: number | null = null;
  pausedReason: string | null;

  constructor(
    readonly destination: Destination,
    private readonly logger: Logger,
    private readonly baseDir: string,
  ) {
    this.pausedReason = destination.pausedReason;
  }

  get id(): string {
    return this.destination.id;
  }

  /** Paused by config (missing secret), by the operator or the platform, as of `now`. */
  isPaused(now: number): boolean {
    if (!this.destination.common.enabled) return true;
    if (this.destination.pausedReason) return true;
    if (this.pausedReason === null) return false;
    return this.pausedUntil === null || this.pausedUntil > now;
  }

  async connect(): Promise<Connection<unknown>> {
    this.connection ??= await this.destination.adapter.connect(this.destination.cfg, {
      timeoutMs: this.destination.common.timeoutMs,
      logger: this.logger,
      baseDir: this.baseDir,
    });
    return this.connection;
  }

  render(due: DueDelivery, connection: Connection<unknown> | null): Rendered<unknown> {
    const { adapter, cfg, common } = this.destination;
    const base = connection?.limits ?? adapter.defaultLimits(cfg);
    const limits =
      common.maxLength !== undefined && common.maxLength < base.maxLength
        ? { ...base, maxLength: common.maxLength, source: "config" as const }
        : base;
    return adapter.render(due.item, cfg, limits, postStyle(this.destination, due.item));
  }

  async close(): Promise<void> {
    await this.connection?.close();
    this.connection = null;
  }
}

export interface DeliverOptions {
  store: DeliveryStore;
  runtimes: DestinationRuntime[];
  policy: DeliveryConfig;
  logger: Logger;
  now: () => number;
  /** True once shutdown began: finish the send in flight, start no new one. */
  stopping: () => boolean;
  /** Removes secret values from text that is stored or printed. */
  scrub: (text: string) => string;
  /** Only rows of these feeds (for `poll --feed`). */
  feedIds?: Set<string>;
}

/** Delivers every due row once. Returns what happened to each. */
export async function deliverDue(opts: DeliverOptions): Promise<DeliveryOutcome[]> {
  const now = opts.now();
  const active = opts.runtimes.filter((r) => !r.isPaused(now));
  const due = await opts.store.dueDeliveries(now, opts.policy.batchSize, active.map((r) => r.id));
  const byDestination = new Map<string, DueDelivery[]>();
  for (const row of due) {
    if (opts.feedIds && !opts.feedIds.has(row.record.feedId)) continue;
    const list = byDestination.get(row.record.destinationId) ?? [];
    list.push(row);
    byDestination.set(row.record.destinationId, list);
  }
  const results = await Promise.all(
    active.map((runtime) => deliverToDestination(runtime, byDestination.get(runtime.id) ?? [], opts)),
  );
  return results.flat();
}

async function deliverToDestination(runtime: DestinationRuntime, rows: DueDelivery[], opts: DeliverOptions): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  for (const row of rows) {
    if (opts.stopping() || runtime.isPaused(opts.now())) break;
    outcomes.push(await deliverOne(runtime, row, opts));
  }
  return outcomes;
}

async function deliverOne(runtime: DestinationRuntime, due: DueDelivery, opts: DeliverOptions): Promise<DeliveryOutcome> {
  const { store, logger } = opts;
  const { record } = due;
  const log = logger.child({ delivery: record.id, feed: record.feedId, destination: record.destinationId });
  const outcome = (state: DeliveryRecord["state"], extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome => ({
    deliveryId: record.id, feedId: record.feedId, destinationId: record.destinationId, title: due.item.title, state, ...extra,
  });
  const adapter = runtime.destination.adapter;

  let connection: Connection<unknown>;
  let rendered: Rendered<unknown>;
  try {
    connection = await runtime.connect();
    rendered = runtime.render(due, connection);
  } catch (err) {
    if (err instanceof RenderError) {
      const reason = `cannot be rendered for ${adapter.platform}: ${err.message}`;
      await store.transition(record.id, ["pending", "failed"], { to: "skipped", errorKind: null, reason }, opts.now());
      log.warn({ reason }, "delivery skipped");
      return outcome("skipped", { reason });
    }
    return applyFailure(runtime, due, err, opts, log, outcome, false);
  }

  // The outbox: the row says `sending` before a byte leaves, so a crash leaves evidence.
  if (!(await store.transition(record.id, ["pending", "failed"], { to: "sending" }, opts.now()))) {
    return outcome(record.state, { reason: "taken by another worker" });
  }
  const signal = AbortSignal.timeout(runtime.destination.common.timeoutMs);
  try {
    const sent = await connection.send(rendered.payload, {
      deliveryId: record.id,
      idempotencyKey: `crier-${record.id}`,
      signal,
    });
    await store.transition(record.id, ["sending"], { to: "sent", remoteId: sent.remoteId, remoteUrl: sent.remoteUrl }, opts.now());
    log.info({ remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, length: rendered.length }, "posted");
    return outcome("sent", { remoteId: sent.remoteId, remoteUrl: sent.remoteUrl });
  } catch (err) {
    return applyFailure(runtime, due, err, opts, log, outcome, true);
  }
}

async function applyFailure(
  runtime: DestinationRuntime,
  due: DueDelivery,
  err: unknown,
  opts: DeliverOptions,
  log: Logger,
  outcome: (state: DeliveryRecord["state"], extra?: Partial<DeliveryOutcome>) => DeliveryOutcome,
  wasSending: boolean,
): Promise<DeliveryOutcome> {
  const adapter = runtime.destination.adapter;
  const error = adapter.classify(err);
  error.message = opts.scrub(error.message);
  if (error.detail) error.detail = opts.scrub(error.detail);
  // A failure before the send (connect) never reached the platform with this post.
  if (!wasSending && error.kind === "unknown-outcome") error.kind = "transient";
  const now = opts.now();
  const decision = decide({
    error,
    capabilities: adapter.capabilities,
    attempts: due.record.attempts + (wasSending ? 1 : 0),
    now,
    policy: opts.policy,
    random: Math.random(),
  });
  await opts.store.transition(due.record.id, wasSending ? ["sending"] : ["pending", "failed"], decision.transition, now);
  if (decision.pauseDestination) {
    runtime.pausedUntil = decision.pauseDestination.until;
    runtime.pausedReason = decision.pauseDestination.reason;
    await opts.store.setDestinationPause(runtime.id, decision.pauseDestination.until, decision.pauseDestination.reason, now);
    log.warn({ until: decision.pauseDestination.until, reason: decision.pauseDestination.reason }, "destination paused");
  }
  const reason = "reason" in decision.transition ? (decision.transition.reason ?? null) : null;
  log[decision.transition.to === "sent" ? "info" : "warn"]({ kind: error.kind, reason }, `delivery ${decision.transition.to}`);
  return outcome(decision.transition.to, { reason });
}
