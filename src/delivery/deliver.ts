/**
 * Stage 5, deliver: takes due rows, checks each against the article's age and the destination's
 * rate gate, marks it `sending` before the send (the outbox), sends with a timeout, and records
 * the outcome. One destination's rows go out in order, one at a time; destinations run side by side.
 */
import type { Logger } from "pino";
import type { Connection, Rendered } from "../core/adapter.js";
import { RenderError } from "../core/adapter.js";
import type { DeliveryConfig } from "../config/schema.js";
import type { DeliveryRecord, DeliveryStore, DueDelivery } from "../store/types.js";
import { decide } from "./record.js";
import { nextSendTime } from "./gate.js";
import type { DestinationRuntime } from "./destination-runtime.js";
import type { Alerter } from "./alerts.js";
import type { MediaFetcher } from "./media.js";
import type { Feed } from "../config/load.js";
import type { AttachedImage, PostStyle } from "../core/adapter.js";
import { postStyle } from "./destination-runtime.js";

export { DestinationRuntime, postStyle } from "./destination-runtime.js";

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

export interface DeliverOptions {
  store: DeliveryStore;
  runtimes: DestinationRuntime[];
  policy: DeliveryConfig;
  logger: Logger;
  alerter: Alerter;
  now: () => number;
  /** True once shutdown began: finish the send in flight, start no new one. */
  stopping: () => boolean;
  /** Removes secret values from text that is stored or printed. */
  scrub: (text: string) => string;
  /** Only rows of these feeds (for `poll --feed`). */
  feedIds?: Set<string>;
  /** Finds, downloads and fits article images; absent when images are off. */
  media?: MediaFetcher | undefined;
  /** Feed configs by id (image options). */
  feeds?: ReadonlyMap<string, Feed>;
}

/** Delivers every due row once. Returns what happened to each row it touched. */
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
  const { common, adapter } = runtime.destination;
  const windows = [...adapter.rateLimits, ...common.budget];
  const lookBack = Math.max(common.minSpacingMs, ...windows.map((w) => w.windowMs), 0);
  runtime.heldUntil = null;
  for (const row of rows) {
    const now = opts.now();
    if (opts.stopping() || runtime.isPaused(now)) break;
    // Age is checked again just before the send: after an outage, catch up instead of posting stale news.
    if (common.maxAgeHours !== undefined) {
      const born = row.item.publishedAt ? Date.parse(row.item.publishedAt) : row.firstSeenAt;
      if (now - born > common.maxAgeHours * 3_600_000) {
        const reason = `older than maxAgeHours (${common.maxAgeHours} h) when its turn came`;
        await opts.store.transition(row.record.id, ["pending", "failed"], { to: "skipped", errorKind: null, reason }, now);
        outcomes.push(outcomeOf(row, "skipped", { reason }));
        continue;
      }
    }
    const sendTimes = lookBack ? await opts.store.sendTimes(runtime.id, now - lookBack) : [];
    const at = nextSendTime({ now, sendTimes, windows, minSpacingMs: common.minSpacingMs, quietHours: common.quietHours });
    if (at > now) {
      runtime.heldUntil = at; // the rest waits for a later pass
      break;
    }
    outcomes.push(await deliverOne(runtime, row, opts));
  }
  return outcomes;
}

function outcomeOf(due: DueDelivery, state: DeliveryRecord["state"], extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  const { record } = due;
  return { deliveryId: record.id, feedId: record.feedId, destinationId: record.destinationId, title: due.item.title, state, ...extra };
}

async function deliverOne(runtime: DestinationRuntime, due: DueDelivery, opts: DeliverOptions): Promise<DeliveryOutcome> {
  const { store, logger } = opts;
  const { record } = due;
  // The row's fields on every line; a child logger only on the paths that log more than once.
  const fields = { delivery: record.id, feed: record.feedId, destination: record.destinationId };
  const adapter = runtime.destination.adapter;

  // The article's picture, for platforms that show one: found and downloaded once per item, fitted
  // per platform. A row whose image was given up (`imageDropped`) goes without it, and says why.
  let image: AttachedImage | undefined;
  let imageNote: string | null = record.imageDropped;
  const style: PostStyle = postStyle(runtime.destination, due.item);
  if (imageNote === null && adapter.capabilities.images && opts.media) {
    const found = await opts.media.attachmentFor(due.item, record.itemKey, opts.feeds?.get(record.feedId), adapter.platform, adapter.imageLimits);
    if (found.ok) {
      style.image = found.ref;
      image = found.image;
    } else {
      imageNote = opts.scrub(`posted without an image: ${found.reason}`);
    }
  }

  let connection: Connection<unknown>;
  let rendered: Rendered<unknown>;
  try {
    connection = await runtime.connect();
    rendered = runtime.render(due.item, connection, style);
  } catch (err) {
    if (err instanceof RenderError) return skipUnrenderable(runtime, due, err, ["pending", "failed"], opts);
    return applyFailure(runtime, due, err, opts, logger.child(fields), false);
  }

  // The outbox: the row says `sending` before a byte leaves, so a crash leaves evidence.
  if (!(await store.transition(record.id, ["pending", "failed"], { to: "sending" }, opts.now()))) {
    return outcomeOf(due, record.state, { reason: "taken by another worker" });
  }
  let imageFailures = record.imageFailures;
  for (;;) {
    const signal = AbortSignal.timeout(runtime.destination.common.timeoutMs);
    try {
      const sent = await connection.send(rendered.payload, {
        deliveryId: record.id,
        idempotencyKey: `crier-${record.createdAt}-${record.id}`,
        queuedAt: record.createdAt,
        signal,
        image,
      });
      const note = [imageNote, sent.note ? opts.scrub(sent.note) : null].filter((n) => n !== null).join("; ") || null;
      await store.transition(record.id, ["sending"], { to: "sent", remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, reason: note }, opts.now());
      // A success ends a rejection streak: one write when there may be one, none per post otherwise.
      if (runtime.rejectionStreak !== 0) runtime.rejectionStreak = await store.countRejection(runtime.id, false, opts.now());
      logger.info({ ...fields, remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, length: rendered.length }, "posted");
      return outcomeOf(due, "sent", { remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, reason: note });
    } catch (err) {
      const failed = await applyFailure(runtime, due, err, opts, logger.child(fields), true, { attached: image !== undefined, failures: imageFailures });
      if ("deliveryId" in failed) return failed;
      // The image failed and nothing was posted: the same row goes again at once, without it. Not
      // gated again: the failed attempt published nothing.
      ({ imageFailures } = failed);
      imageNote = failed.withoutImage;
      image = undefined;
      style.image = undefined;
      try {
        rendered = runtime.render(due.item, connection, style);
      } catch (renderErr) {
        if (renderErr instanceof RenderError) return skipUnrenderable(runtime, due, renderErr, ["sending"], opts);
        throw renderErr;
      }
    }
  }
}

async function skipUnrenderable(runtime: DestinationRuntime, due: DueDelivery, err: RenderError, from: DeliveryRecord["state"][], opts: DeliverOptions): Promise<DeliveryOutcome> {
  const reason = `cannot be rendered for ${runtime.destination.adapter.platform}: ${err.message}`;
  await opts.store.transition(due.record.id, from, { to: "skipped", errorKind: null, reason }, opts.now());
  opts.logger.warn({ delivery: due.record.id, feed: due.record.feedId, destination: due.record.destinationId, reason }, "delivery skipped");
  return outcomeOf(due, "skipped", { reason });
}

/** What the deliver loop does after a failed send: the row's outcome, or the same send again without the image. */
type Failed = DeliveryOutcome | { withoutImage: string; imageFailures: number };

/** Applies a failure before the send (connect): no image went, so the answer is always the row's outcome. */
async function applyFailure(runtime: DestinationRuntime, due: DueDelivery, err: unknown, opts: DeliverOptions, log: Logger, wasSending: false): Promise<DeliveryOutcome>;
async function applyFailure(runtime: DestinationRuntime, due: DueDelivery, err: unknown, opts: DeliverOptions, log: Logger, wasSending: true, image: { attached: boolean; failures: number }): Promise<Failed>;
async function applyFailure(
  runtime: DestinationRuntime,
  due: DueDelivery,
  err: unknown,
  opts: DeliverOptions,
  log: Logger,
  wasSending: boolean,
  image: { attached: boolean; failures: number } = { attached: false, failures: due.record.imageFailures },
): Promise<Failed> {
  const { adapter, common } = runtime.destination;
  const error = adapter.classify(err);
  error.message = opts.scrub(error.message);
  if (error.detail) error.detail = opts.scrub(error.detail);
  // A failure before the send (connect) never reached the platform with this post.
  if (!wasSending && error.kind === "unknown-outcome") error.kind = "transient";
  const now = opts.now();
  const decision = decide({
    error,
    capabilities: adapter.capabilities,
    ambiguous: common.ambiguous,
    attempts: due.record.attempts + (wasSending ? 1 : 0),
    queuedAt: due.record.createdAt,
    // The first attempt came after queueing: measuring the key's lifetime from then errs on the safe side.
    firstAttemptAt: due.record.createdAt,
    now,
    policy: opts.policy,
    random: Math.random(),
    imageAttached: image.attached,
    imageFailures: image.failures,
  });
  // Written before the row moves on: after a restart, the row still knows its image's attempts.
  if (decision.imageFailures !== undefined) {
    const dropped = "withoutImage" in decision ? decision.withoutImage : null;
    await opts.store.setImageState(due.record.id, decision.imageFailures, dropped, now);
  }
  if ("withoutImage" in decision) {
    log.warn({ kind: error.kind, reason: decision.withoutImage }, "sending without the image");
    return decision;
  }
  await opts.store.transition(due.record.id, wasSending ? ["sending"] : ["pending", "failed"], decision.transition, now);
  let pause = decision.pauseDestination;
  if (decision.transition.to === "rejected") {
    const streak = await opts.store.countRejection(runtime.id, true, now);
    runtime.rejectionStreak = streak;
    if (streak >= common.maxConsecutiveRejections) {
      pause = { until: null, reason: `${streak} posts in a row were rejected by the platform; last: ${decision.transition.reason}` };
    }
  }
  if (pause) {
    runtime.pausedUntil = pause.until;
    runtime.pausedReason = pause.reason;
    await opts.store.setDestinationPause(runtime.id, pause.until, pause.reason, now);
    log.warn({ until: pause.until, reason: pause.reason }, "destination paused");
    // A rate-limit wait is routine; a pause that needs the operator is alerted.
    if (pause.until === null) {
      await opts.alerter.send({ key: `destination-paused:${runtime.id}`, title: `destination ${runtime.id} paused`, detail: `${pause.reason}\nFix it, then run: crier resume ${runtime.id}` });
    }
  }
  if (decision.transition.to === "uncertain") {
    await opts.alerter.send({
      key: `uncertain:${runtime.id}`,
      title: `a post to ${runtime.id} may or may not have been published`,
      detail: `Delivery #${due.record.id} (${due.item.title}): ${decision.transition.reason}\nCheck the channel, then: crier resolve ${due.record.id} --sent or --drop (or crier retry ${due.record.id}).`,
    });
  }
  const reason = "reason" in decision.transition ? (decision.transition.reason ?? null) : null;
  log[decision.transition.to === "sent" ? "info" : "warn"]({ kind: error.kind, reason }, `delivery ${decision.transition.to}`);
  return outcomeOf(due, decision.transition.to, { reason });
}
