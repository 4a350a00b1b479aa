/**
 * Stage 5, deliver: takes due rows, checks each against the article's age and the destination's
 * rate gate, marks it `sending` before the send (the outbox), sends with a timeout, and records
 * the outcome. One destination's rows go out in order, one at a time; destinations run side by side.
 */
import type { Logger } from "pino";
import type { AttachedImage, Connection, Rendered } from "../core/adapter.js";
import { CHECKPOINT_MAX_LENGTH, RenderError } from "../core/adapter.js";
import { networkFailure } from "../core/kit/network-error.js";
import type { DeliveryConfig } from "../config/schema.js";
import type { Destination, Feed } from "../config/load.js";
import { FINAL_STATES, type DeliveryRecord, type DeliveryStore, type DueDelivery } from "../store/deliveries.js";
import type { LeaseClaim } from "../store/leases.js";
import { decide } from "./record.js";
import { nextSendTime } from "./gate.js";
import type { Alert } from "./alerts.js";
import type { MediaFetcher } from "./media.js";
import { publicUrlFor, type PublicMedia } from "./pull-image.js";
import type { Connections } from "./connections.js";
import { pauseConfig, type DestinationStates } from "./destination-states.js";
import { afterFailure, afterSent, hold, pauseReason } from "./pause.js";
import { renderPost } from "./render.js";

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
  /** The store's lease this process holds: every move to `sending` is fenced by it (LeaseLostError once lost). */
  claim: LeaseClaim;
  destinations: readonly Destination[];
  /** The owner of each destination's pause, rejection streak and gate hold. */
  states: DestinationStates;
  connections: Connections;
  policy: DeliveryConfig;
  logger: Logger;
  /** Tells the operator (throttled); never throws. */
  alert: (alert: Alert) => Promise<void>;
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
  /** For platforms that pull images: `network.allowPrivateAddresses` (loopback http URLs are then handed out). */
  allowPrivateAddresses?: boolean;
  /** The public listener's media, when this process runs it (`crier run`); absent: fitted images cannot be pulled. */
  publicMedia?: PublicMedia | undefined;
  /** A public listener is configured (for the words of a dropped image's reason). */
  publicListenerConfigured?: boolean;
}

/** Delivers every due row once. Returns what happened to each row it touched. */
export async function deliverDue(opts: DeliverOptions): Promise<DeliveryOutcome[]> {
  const now = opts.now();
  const active = opts.destinations.filter((d) => !isPaused(d, opts, now));
  const due = await opts.store.dueDeliveries(now, opts.policy.batchSize, active.map((d) => d.id));
  const byDestination = new Map<string, DueDelivery[]>();
  for (const row of due) {
    if (opts.feedIds && !opts.feedIds.has(row.record.feedId)) continue;
    const list = byDestination.get(row.record.destinationId) ?? [];
    list.push(row);
    byDestination.set(row.record.destinationId, list);
  }
  const results = await Promise.all(
    active.map((destination) => deliverToDestination(destination, byDestination.get(destination.id) ?? [], opts)),
  );
  return results.flat();
}

function isPaused(destination: Destination, opts: DeliverOptions, now: number): boolean {
  return pauseReason(pauseConfig(destination), opts.states.get(destination.id), now) !== null;
}

async function deliverToDestination(destination: Destination, rows: DueDelivery[], opts: DeliverOptions): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  const { common, adapter } = destination;
  const windows = [...adapter.rateLimits, ...common.budget];
  const lookBack = Math.max(common.minSpacingMs, ...windows.map((w) => w.windowMs), 0);
  await opts.states.set(hold(opts.states.get(destination.id), null), opts.now());
  for (const row of rows) {
    const now = opts.now();
    if (opts.stopping() || isPaused(destination, opts, now)) break;
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
    const sendTimes = lookBack ? await opts.store.sendTimes(destination.id, now - lookBack) : [];
    const at = nextSendTime({ now, sendTimes, windows, minSpacingMs: common.minSpacingMs, quietHours: common.quietHours });
    if (at > now) {
      await opts.states.set(hold(opts.states.get(destination.id), at), now); // the rest waits for a later pass
      break;
    }
    const outcome = await deliverOne(destination, row, opts);
    outcomes.push(outcome);
    // A served image outlives its delivery by the grace period only (the sweep catches the rest).
    if (opts.publicMedia && FINAL_STATES.includes(outcome.state)) await opts.publicMedia.shelf.settle(outcome.deliveryId, opts.now());
  }
  return outcomes;
}

function outcomeOf(due: DueDelivery, state: DeliveryRecord["state"], extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  const { record } = due;
  return { deliveryId: record.id, feedId: record.feedId, destinationId: record.destinationId, title: due.item.title, state, ...extra };
}

async function deliverOne(destination: Destination, due: DueDelivery, opts: DeliverOptions): Promise<DeliveryOutcome> {
  const { store, logger } = opts;
  const { record } = due;
  // The row's fields on every line; a child logger only on the paths that log more than once.
  const fields = { delivery: record.id, feed: record.feedId, destination: record.destinationId };
  const adapter = destination.adapter;

  // The article's picture, for platforms that show one: found and downloaded once per item, fitted
  // per platform. A row whose image was given up (`imageDropped`) goes without it, and says why.
  let image: AttachedImage | undefined;
  let imageRef: { url: string; alt: string } | undefined;
  let imageNote: string | null = record.imageDropped;
  if (imageNote === null && adapter.capabilities.images && opts.media) {
    const found = await opts.media.attachmentFor(due.item, record.itemKey, opts.feeds?.get(record.feedId), adapter.platform, adapter.imageLimits);
    if (found.ok) {
      imageRef = found.ref;
      image = found.image;
    } else {
      imageNote = opts.scrub(`posted without an image: ${found.reason}`);
    }
    // A platform that pulls the image gets a URL to pull exactly these bytes from, or goes without.
    if (found.ok && image && adapter.imageLimits?.delivery === "pull") {
      const pulled = await publicUrlFor(destination, { id: record.id, queuedAt: record.createdAt }, image, found.unchanged ?? false, {
        allowPrivateAddresses: opts.allowPrivateAddresses ?? false,
        publicMedia: opts.publicMedia,
        listenerConfigured: opts.publicListenerConfigured ?? false,
        now: opts.now(),
      });
      if ("url" in pulled) image = { ...image, publicUrl: pulled.url };
      else {
        image = undefined;
        imageRef = undefined;
        imageNote = opts.scrub(`posted without an image: ${pulled.dropped}`);
      }
    }
  }

  let connection: Connection<unknown>;
  let rendered: Rendered<unknown>;
  try {
    connection = await opts.connections.get(destination);
    rendered = renderPost(destination, due.item, { limits: connection.limits, image: imageRef });
  } catch (err) {
    if (err instanceof RenderError) return skipUnrenderable(destination, due, err, ["pending", "failed"], opts, imageNote);
    return applyFailure(destination, due, err, opts, logger.child(fields), false);
  }

  // The outbox: the row says `sending` before a byte leaves, so a crash leaves evidence.
  const attemptAt = opts.now();
  if (!(await store.transition(record.id, ["pending", "failed"], { to: "sending", claim: opts.claim }, attemptAt))) {
    return outcomeOf(due, record.state, { reason: "taken by another worker" });
  }
  const checkpoints = checkpointKeeper(due, opts);
  let imageFailures = record.imageFailures;
  for (;;) {
    const signal = AbortSignal.timeout(destination.common.timeoutMs);
    try {
      const sent = await connection.send(rendered.payload, {
        deliveryId: record.id,
        idempotencyKey: `crier-${record.createdAt}-${record.id}`,
        queuedAt: record.createdAt,
        signal,
        image,
        checkpoint: checkpoints.latest,
        saveCheckpoint: checkpoints.save,
      });
      const note = [imageNote, sent.note ? opts.scrub(sent.note) : null].filter((n) => n !== null).join("; ") || null;
      if (!(await store.transition(record.id, ["sending"], { to: "sent", remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, reason: note }, opts.now(), opts.claim.owner))) {
        // Only after this process lost the store mid-send: the next holder settled the row, or sends it itself.
        logger.warn({ ...fields, remoteId: sent.remoteId, remoteUrl: sent.remoteUrl }, `posted, but the row was settled by the process that took the delivery log over meanwhile: if crier deliveries shows it uncertain: crier resolve ${record.id} --sent`);
        return outcomeOf(due, "uncertain", { remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, reason: "posted after this process lost the store" });
      }
      // A success ends a rejection streak (written only when there was one).
      await opts.states.set(afterSent(opts.states.get(destination.id)), opts.now());
      logger.info({ ...fields, remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, length: rendered.length }, "posted");
      return outcomeOf(due, "sent", { remoteId: sent.remoteId, remoteUrl: sent.remoteUrl, reason: note });
    } catch (err) {
      const failed = await applyFailure(destination, due, err, opts, logger.child(fields), true, { attached: image !== undefined, failures: imageFailures }, checkpoints.latest);
      if ("deliveryId" in failed) {
        // Refused before a byte left (an outage): the attempt spent none of the platform's quota, and
        // counting it would hold the destination in its rate windows long after the platform is back.
        if (networkFailure(err)?.outcome === "not-sent") await store.forgetSend(record.id, attemptAt);
        return failed;
      }
      // The image failed and nothing was posted: the same row goes again at once, without it. Not
      // gated again: the failed attempt published nothing.
      ({ imageFailures } = failed);
      imageNote = failed.withoutImage;
      image = undefined;
      imageRef = undefined;
      try {
        rendered = renderPost(destination, due.item, { limits: connection.limits });
      } catch (renderErr) {
        if (renderErr instanceof RenderError) return skipUnrenderable(destination, due, renderErr, ["sending"], opts, imageNote);
        throw renderErr;
      }
    }
  }
}

/** Refused by `saveCheckpoint`: the value, or the row is no longer this send's. The adapter lets it through to its classify. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/**
 * The send's checkpoint: what the row had, then each value saved, durably and fenced to this
 * attempt before the adapter goes on. The latest is kept for the decision after a failure.
 */
function checkpointKeeper(due: DueDelivery, opts: DeliverOptions): { latest: string | null; save(value: string): Promise<void> } {
  const { record } = due;
  const attempt = record.attempts + 1; // the attempts count once this send marked the row sending
  const keeper = {
    latest: record.checkpoint,
    async save(value: string): Promise<void> {
      if (typeof value !== "string" || value.length > CHECKPOINT_MAX_LENGTH) {
        throw new CheckpointError(`checkpoint refused: ${typeof value === "string" ? `${value.length} characters, over ${CHECKPOINT_MAX_LENGTH}` : "not a string"}`);
      }
      if (opts.scrub(value) !== value) throw new CheckpointError("checkpoint refused: it holds one of the destination's secrets");
      if (!(await opts.store.saveCheckpoint(record.id, attempt, value, opts.now()))) {
        throw new CheckpointError(`delivery #${record.id} is no longer this send's to record (another process took it over)`);
      }
      keeper.latest = value;
    },
  };
  return keeper;
}

async function skipUnrenderable(destination: Destination, due: DueDelivery, err: RenderError, from: DeliveryRecord["state"][], opts: DeliverOptions, imageNote: string | null): Promise<DeliveryOutcome> {
  // Where the post could not be made without its image, the reason keeps why the image went.
  const reason = `cannot be rendered for ${destination.adapter.platform}: ${err.message}${imageNote ? ` (${imageNote})` : ""}`;
  await opts.store.transition(due.record.id, from, { to: "skipped", errorKind: null, reason }, opts.now(), opts.claim.owner);
  opts.logger.warn({ delivery: due.record.id, feed: due.record.feedId, destination: due.record.destinationId, reason }, "delivery skipped");
  return outcomeOf(due, "skipped", { reason });
}

/** What the deliver loop does after a failed send: the row's outcome, or the same send again without the image. */
type Failed = DeliveryOutcome | { withoutImage: string; imageFailures: number };

/** Applies a failure before the send (connect): no image went, so the answer is always the row's outcome. */
async function applyFailure(destination: Destination, due: DueDelivery, err: unknown, opts: DeliverOptions, log: Logger, wasSending: false): Promise<DeliveryOutcome>;
async function applyFailure(destination: Destination, due: DueDelivery, err: unknown, opts: DeliverOptions, log: Logger, wasSending: true, image: { attached: boolean; failures: number }, checkpoint: string | null): Promise<Failed>;
async function applyFailure(
  destination: Destination,
  due: DueDelivery,
  err: unknown,
  opts: DeliverOptions,
  log: Logger,
  wasSending: boolean,
  image: { attached: boolean; failures: number } = { attached: false, failures: due.record.imageFailures },
  checkpoint: string | null = due.record.checkpoint,
): Promise<Failed> {
  const { adapter, common } = destination;
  const error = adapter.classify(err);
  error.message = opts.scrub(error.message);
  if (error.detail) error.detail = opts.scrub(error.detail);
  // A failure before the send (connect) never reached the platform with this post.
  if (!wasSending && (error.kind === "unknown-outcome" || error.kind === "processing")) error.kind = "transient";
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
    resumable: checkpoint !== null && adapter.resumesFrom?.(checkpoint) === true,
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
  const moved = await opts.store.transition(due.record.id, wasSending ? ["sending"] : ["pending", "failed"], decision.transition, now, opts.claim.owner);
  if (!moved && wasSending) {
    // Only after this process lost the store mid-send: the row and the destination's state are the next holder's now.
    log.warn({ kind: error.kind, reason: error.message }, "the send failed, but the row was settled by the process that took the delivery log over meanwhile: nothing recorded here");
    return outcomeOf(due, "uncertain", { reason: "failed after this process lost the store" });
  }
  const { state, paused } = afterFailure(opts.states.get(destination.id), {
    pause: decision.pauseDestination,
    rejected: decision.transition.to === "rejected" ? decision.transition.reason : null,
    maxConsecutiveRejections: common.maxConsecutiveRejections,
  });
  await opts.states.set(state, now);
  if (paused) {
    log.warn({ until: paused.until, reason: paused.reason }, "destination paused");
    // A rate-limit wait is routine; a pause that needs the operator is alerted.
    if (paused.until === null) {
      await opts.alert({ key: `destination-paused:${destination.id}`, title: `destination ${destination.id} paused`, detail: `${paused.reason}\nFix it, then run: crier resume ${destination.id}` });
    }
  }
  if (decision.transition.to === "uncertain") {
    await opts.alert({
      key: `uncertain:${destination.id}`,
      title: `a post to ${destination.id} may or may not have been published`,
      detail: `Delivery #${due.record.id} (${due.item.title}): ${decision.transition.reason}\nCheck the channel, then: crier resolve ${due.record.id} --sent or --drop (or crier retry ${due.record.id}).`,
    });
  }
  const reason = "reason" in decision.transition ? (decision.transition.reason ?? null) : null;
  log[decision.transition.to === "sent" || decision.transition.to === "pending" ? "info" : "warn"]({ kind: error.kind, reason }, `delivery ${decision.transition.to}`);
  return outcomeOf(due, decision.transition.to, { reason });
}
