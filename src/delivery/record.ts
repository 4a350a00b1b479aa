/**
 * Stage 6, record: what a send's outcome means for the delivery row and its destination.
 * Pure: the deliver stage applies the decision to the store.
 */
import type { Capabilities } from "../core/adapter.js";
import type { DeliveryError } from "../core/delivery-error.js";
import type { DeliveryConfig } from "../config/schema.js";
import { NEVER, type Transition } from "../store/deliveries.js";
import { backoffMs } from "../core/backoff.js";

/**
 * What to do after a failed send: apply a transition (and maybe pause the destination), or, when
 * the article's image is what failed, send again at once without it (`withoutImage`: the reason
 * the sent row records). `imageFailures`, when present, is the row's new count of failed image attempts.
 */
export type Decision =
  | { transition: Transition; pauseDestination?: { until: number | null; reason: string }; imageFailures?: number }
  | { withoutImage: string; imageFailures: number };

export interface DecideInput {
  error: DeliveryError;
  capabilities: Capabilities;
  /** Attempts made so far, including the one that just failed. */
  attempts: number;
  now: number;
  policy: Pick<DeliveryConfig, "retryBaseMs" | "retryMaxMs" | "maxAttempts"> & { maxRetryAgeMs?: number; imageAttempts?: number };
  /** A number in [0, 1) for jitter. */
  random: number;
  /** The operator's choice for unknown outcomes on platforms without idempotency keys (default hold). */
  ambiguous?: "hold" | "retry";
  /** When the delivery was queued (epoch ms), for the maximum retry age. */
  queuedAt?: number;
  /** When the first attempt was made (epoch ms), for the platform's idempotency-key lifetime. */
  firstAttemptAt?: number;
  /** The send carried the article's image (an image-stage error means nothing otherwise). */
  imageAttached?: boolean;
  /** Failed image attempts before this one (the row's count). */
  imageFailures?: number;
  /**
   * The send saved a checkpoint the adapter can resume from without posting twice
   * (`Adapter.resumesFrom`): an unknown outcome is then retried, not held as uncertain.
   */
  resumable?: boolean;
}

/** Default of `delivery.imageAttempts`. */
export const DEFAULT_IMAGE_ATTEMPTS = 3;


export function decide(input: DecideInput): Decision {
  const { error, now, policy } = input;
  const reason = error.detail ? `${error.message} (${error.detail})` : error.message;
  const tooOld = policy.maxRetryAgeMs !== undefined && input.queuedAt !== undefined && now - input.queuedAt >= policy.maxRetryAgeMs;
  const retry = (): Decision =>
    input.attempts >= policy.maxAttempts || tooOld
      ? {
          transition: {
            to: "failed",
            errorKind: error.kind,
            reason: `gave up after ${input.attempts} attempts${tooOld ? " (too old to retry)" : ""}: ${reason}`,
            nextAttemptAt: NEVER,
          },
        }
      : {
          transition: {
            to: "failed",
            errorKind: error.kind,
            reason,
            nextAttemptAt: now + backoffMs(input.attempts, policy.retryBaseMs, policy.retryMaxMs, input.random),
          },
        };
  if (error.stage === "image" && input.imageAttached && error.kind !== "rate-limited" && error.kind !== "auth" && error.kind !== "destination-broken" && error.kind !== "processing") {
    return decideImage(input, reason, input.attempts >= policy.maxAttempts || tooOld);
  }
  switch (error.kind) {
    case "duplicate":
      return { transition: { to: "sent", remoteId: null, remoteUrl: null, reason: `the platform already had this post: ${reason}` } };
    case "rejected":
      return { transition: { to: "rejected", errorKind: "rejected", reason } };
    case "transient":
      return retry();
    case "unknown-outcome": {
      // Retrying blindly could publish twice, unless the platform de-duplicates by key (while it
      // remembers it), or the next send resumes from a checkpoint that tells what became of the post.
      const ttl = input.capabilities.idempotencyTtlMs;
      const keyAlive = input.capabilities.idempotentSend && (ttl === undefined || input.firstAttemptAt === undefined || now - input.firstAttemptAt < ttl);
      if (input.resumable && !keyAlive) return retryResuming(input, reason, retry);
      return keyAlive || input.ambiguous === "retry"
        ? retry()
        : { transition: { to: "uncertain", errorKind: "unknown-outcome", reason } };
    }
    case "processing": {
      // The platform has the post and is working on it: not a failure, and not an attempt.
      if (tooOld) {
        return { transition: { to: "uncertain", errorKind: "processing", reason: `still being processed by the platform when the delivery reached its age limit: the post may or may not appear (${reason})` } };
      }
      const at = now + (error.waitMs ?? policy.retryBaseMs);
      return { transition: { to: "pending", reason: `the platform is still processing the post; looking again at ${new Date(at).toISOString()}: ${reason}`, nextAttemptAt: at, uncountAttempt: true } };
    }
    case "rate-limited": {
      const until = Math.max(now + (error.waitMs ?? policy.retryBaseMs), error.retryAt ?? 0);
      return {
        transition: { to: "failed", errorKind: "rate-limited", reason, nextAttemptAt: until },
        pauseDestination: { until, reason: `rate limited by the platform until ${new Date(until).toISOString()}` },
      };
    }
    case "auth":
    case "destination-broken":
      return {
        transition: { to: "failed", errorKind: error.kind, reason, nextAttemptAt: now },
        pauseDestination: { until: null, reason: `${error.kind === "auth" ? "credentials refused" : "destination unusable"}: ${reason}` },
      };
  }
}

/** An unknown outcome retried because the next send resumes from the checkpoint: the reason says so. */
function retryResuming(input: DecideInput, reason: string, retry: () => Decision): Decision {
  const decision = retry();
  if (!("transition" in decision) || decision.transition.to !== "failed") return decision;
  const given = input.attempts >= input.policy.maxAttempts || decision.transition.nextAttemptAt === NEVER;
  // Given up, the post may exist: held for the operator like any unknown outcome (a `crier retry` still resumes).
  if (given) return { transition: { to: "uncertain", errorKind: "unknown-outcome", reason: `${decision.transition.reason}; the next send would resume from its checkpoint (crier retry)` } };
  return { transition: { ...decision.transition, reason: `${reason}; the next attempt resumes from the saved checkpoint, which tells whether the post was made` } };
}

/**
 * The image failed and nothing was posted: refused, the post goes without it at once; failing,
 * it is tried again with the usual backoff until `imageAttempts` (or until the post would be given
 * up), then the post goes without it. The image never costs the post.
 */
function decideImage(input: DecideInput, reason: string, lastAttempt: boolean): Decision {
  const { now, policy } = input;
  const imageFailures = (input.imageFailures ?? 0) + 1;
  if (input.error.kind === "rejected") return { withoutImage: `posted without its image: ${reason}`, imageFailures };
  const allowed = policy.imageAttempts ?? DEFAULT_IMAGE_ATTEMPTS;
  if (imageFailures >= allowed || lastAttempt) {
    return { withoutImage: `posted without its image after ${imageFailures} failed ${imageFailures === 1 ? "attempt" : "attempts"}: ${reason}`, imageFailures };
  }
  return {
    transition: {
      to: "failed",
      errorKind: "transient",
      reason: `${reason} (image attempt ${imageFailures} of ${allowed}; then the post goes without it)`,
      nextAttemptAt: now + backoffMs(input.attempts, policy.retryBaseMs, policy.retryMaxMs, input.random),
    },
    imageFailures,
  };
}
