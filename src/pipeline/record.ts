/**
 * Stage 6, record: what a send's outcome means for the delivery row and its destination.
 * Pure: the deliver stage applies the decision to the store.
 */
import type { Capabilities } from "../core/adapter.js";
import type { DeliveryError } from "../core/delivery-error.js";
import type { DeliveryConfig } from "../config/schema.js";
import type { Transition } from "../store/types.js";

export interface Decision {
  transition: Transition;
  /** Pause the destination: until a time (epoch ms), or until the operator resumes it (null). */
  pauseDestination?: { until: number | null; reason: string };
}

export interface DecideInput {
  error: DeliveryError;
  capabilities: Capabilities;
  /** Attempts made so far, including the one that just failed. */
  attempts: number;
  now: number;
  policy: Pick<DeliveryConfig, "retryBaseMs" | "retryMaxMs" | "maxAttempts"> & { maxRetryAgeMs?: number };
  /** A number in [0, 1) for jitter. */
  random: number;
  /** The operator's choice for unknown outcomes on platforms without idempotency keys (default hold). */
  ambiguous?: "hold" | "retry";
  /** When the delivery was queued (epoch ms), for the maximum retry age. */
  queuedAt?: number;
  /** When the first attempt was made (epoch ms), for the platform's idempotency-key lifetime. */
  firstAttemptAt?: number;
}

/** "never": the next attempt time of a delivery that is given up (until `crier retry`). */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** Exponential backoff with jitter ("equal jitter": half fixed, half random), capped. */
export function backoffMs(attempts: number, base: number, cap: number, random: number): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

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
  switch (error.kind) {
    case "duplicate":
      return { transition: { to: "sent", remoteId: null, remoteUrl: null, reason: `the platform already had this post: ${reason}` } };
    case "rejected":
      return { transition: { to: "rejected", errorKind: "rejected", reason } };
    case "transient":
      return retry();
    case "unknown-outcome": {
      // Retrying blindly could publish twice, unless the platform de-duplicates by key (while it remembers it).
      const ttl = input.capabilities.idempotencyTtlMs;
      const keyAlive = input.capabilities.idempotentSend && (ttl === undefined || input.firstAttemptAt === undefined || now - input.firstAttemptAt < ttl);
      return keyAlive || input.ambiguous === "retry"
        ? retry()
        : { transition: { to: "uncertain", errorKind: "unknown-outcome", reason } };
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
