/**
 * Deliveries (one row per item and destination, the outbox) and the send log the rate gate counts
 * from. Written by delivery, and by the operator's operations (retry, resolve, unpost).
 */
import type { FeedItem } from "../core/feed-item.js";
import type { DeliveryErrorKind } from "../core/delivery-error.js";
import type { LeaseClaim } from "./leases.js";

export type DeliveryState = "pending" | "sending" | "sent" | "failed" | "rejected" | "uncertain" | "skipped" | "deleted";
export const DELIVERY_STATES: readonly DeliveryState[] = ["pending", "sending", "sent", "failed", "rejected", "uncertain", "skipped", "deleted"];
/** States a delivery never leaves by itself (an operator may still retry/resolve/unpost). */
export const FINAL_STATES: readonly DeliveryState[] = ["sent", "rejected", "skipped", "deleted"];

/** "never": the next attempt time of a delivery that is given up (until `crier retry`). */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface DeliveryRecord {
  readonly id: number;
  readonly feedId: string;
  readonly itemKey: string;
  readonly destinationId: string;
  readonly normLink: string | null;
  readonly state: DeliveryState;
  /** Why the row is in its state, for operators ("first run: recorded, not posted"). */
  readonly reason: string | null;
  readonly errorKind: DeliveryErrorKind | null;
  readonly attempts: number;
  /** Failed attempts at attaching the article's image (`delivery.imageAttempts`). */
  readonly imageFailures: number;
  /** Set once the post goes without its image: the reason recorded when it is sent. */
  readonly imageDropped: string | null;
  readonly nextAttemptAt: number | null;
  /**
   * What the last send saved to resume from (an adapter's opaque value, e.g. a media container id),
   * or null. Kept through failed, uncertain, pending and `crier retry`; cleared when a deleted post
   * is queued again.
   */
  readonly checkpoint: string | null;
  readonly remoteId: string | null;
  readonly remoteUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sentAt: number | null;
  readonly title: string;
  readonly link: string | null;
}

export interface DueDelivery {
  readonly record: DeliveryRecord;
  readonly item: FeedItem;
  /** When the item was first seen (epoch ms): the age of an undated item. */
  readonly firstSeenAt: number;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  feedId?: string;
  destinationId?: string;
  limit?: number;
}

export type Transition =
  /** Fenced: moves the row only while `claim` holds its lease, and records its owner (else LeaseLostError). */
  | { to: "sending"; claim: LeaseClaim }
  | { to: "sent"; remoteId: string | null; remoteUrl: string | null; reason?: string | null }
  | { to: "failed"; errorKind: DeliveryErrorKind; reason: string; nextAttemptAt: number }
  | { to: "rejected" | "uncertain" | "skipped" | "deleted"; errorKind: DeliveryErrorKind | null; reason: string }
  /**
   * Queued again. `resetAttempts`: the operator's retry, a fresh set of attempts. `nextAttemptAt`:
   * not before then (default now). `uncountAttempt`: the attempt that just ended is not counted
   * (the platform is still processing the post). `clearCheckpoint`: start over (a deleted post).
   */
  | { to: "pending"; reason: string | null; resetAttempts?: boolean; nextAttemptAt?: number; uncountAttempt?: boolean; clearCheckpoint?: boolean };

/** A row left `sending` by a process that died, with what its send saved. */
export interface InterruptedSend {
  readonly id: number;
  readonly destinationId: string;
  readonly createdAt: number;
  readonly checkpoint: string | null;
}

/** For the destinations listed, rows left `sending` that were queued at or after `since` are queued again. */
export interface RetryableDestination {
  readonly destinationId: string;
  readonly since: number;
}

export interface DeliveryStore {
  /** Rows left `sending` by a process that died (their owner holds no live lease), with their checkpoints. */
  interruptedSends(): Promise<readonly InterruptedSend[]>;
  /**
   * Rows left `sending` by a process that died (their owner holds no live lease) become
   * `uncertain`; for the destinations listed in `retryable` (their platform honours an idempotency
   * key) rows queued at or after `since` (the key is still remembered) are queued again instead.
   * A row whose owner's lease is live is never touched.
   */
  recoverInterrupted(
    now: number,
    retryable: readonly RetryableDestination[],
    resumable?: readonly number[],
  ): Promise<{ uncertain: number; requeued: number; resumed: number }>;
  /** Times (epoch ms, ascending) of sends to a destination since `since`. */
  sendTimes(destinationId: string, since: number): Promise<readonly number[]>;
  /**
   * Takes back the send-log entry of the attempt that marked row `deliveryId` sending at `at`:
   * that attempt provably never reached the platform (refused before a byte was written), so it
   * must not count against the destination's rate windows.
   */
  forgetSend(deliveryId: number, at: number): Promise<void>;
  /** Due rows (pending or failed, whose next attempt has come), oldest article first. */
  dueDeliveries(now: number, limit: number, destinationIds: readonly string[]): Promise<readonly DueDelivery[]>;
  /** The earliest next attempt of a pending row that is not due yet (one the platform is still processing), or null. */
  nextPendingAt(now: number, destinationIds: readonly string[]): Promise<number | null>;
  /**
   * Stores a send's checkpoint on its row, only while the row is `sending` in this attempt
   * (`attempt`: its attempts count once marked sending): false when another process has taken the
   * row over since, or it is no longer sending.
   */
  saveCheckpoint(id: number, attempt: number, value: string, now: number): Promise<boolean>;
  /**
   * Moves a row from one of `from` to a new state. False when the row was not in `from`. The move
   * to `sending` and its send-log entry are one transaction (budgets count what left); it is
   * fenced by the caller's lease claim and records the claim's owner on the row.
   * With `owner`, a row in `sending` moves only when that owner put it there: a process that lost
   * its lease never settles a send the next holder made of the same row.
   * @throws LeaseLostError when the move to `sending` found the claim's lease no longer held
   */
  transition(id: number, from: readonly DeliveryState[], change: Transition, now: number, owner?: string): Promise<boolean>;
  /** Records a row's failed image attempts and, once it goes without its image, why. */
  setImageState(id: number, failures: number, dropped: string | null, now: number): Promise<void>;
  getDelivery(id: number): Promise<DeliveryRecord | null>;
  /** Newest first. */
  listDeliveries(filter: DeliveryFilter): Promise<readonly DeliveryRecord[]>;
  /** Deliveries per state for each destination. */
  countByState(): Promise<ReadonlyArray<{ readonly destinationId: string; readonly state: DeliveryState; readonly count: number }>>;
}
