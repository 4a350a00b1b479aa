/**
 * The store behind every stage that remembers: feed state, seen items, routes and deliveries.
 * Async so that a networked database (PostgreSQL) can implement it; every method that changes
 * more than one row does it in one transaction. A failure of the store itself (its file is
 * damaged, unreadable or cannot be written) is thrown as a StorageError (./storage-error.ts).
 */
import type { FeedItem } from "../core/feed-item.js";
import type { DeliveryErrorKind } from "../core/delivery-error.js";

export type DeliveryState = "pending" | "sending" | "sent" | "failed" | "rejected" | "uncertain" | "skipped" | "deleted";
export const DELIVERY_STATES: readonly DeliveryState[] = ["pending", "sending", "sent", "failed", "rejected", "uncertain", "skipped", "deleted"];
/** States a delivery never leaves by itself (an operator may still retry/resolve/unpost). */
export const FINAL_STATES: readonly DeliveryState[] = ["sent", "rejected", "skipped", "deleted"];

export interface DeliveryRecord {
  id: number;
  feedId: string;
  itemKey: string;
  destinationId: string;
  normLink: string | null;
  state: DeliveryState;
  /** Why the row is in its state, for operators ("first run: recorded, not posted"). */
  reason: string | null;
  errorKind: DeliveryErrorKind | null;
  attempts: number;
  /** Failed attempts at attaching the article's image (`delivery.imageAttempts`). */
  imageFailures: number;
  /** Set once the post goes without its image: the reason recorded when it is sent. */
  imageDropped: string | null;
  nextAttemptAt: number | null;
  remoteId: string | null;
  remoteUrl: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  title: string;
  link: string | null;
}

export interface DueDelivery {
  record: DeliveryRecord;
  item: FeedItem;
  /** When the item was first seen (epoch ms): the age of an undated item. */
  firstSeenAt: number;
}

export interface FeedState {
  feedId: string;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  /** At least one item of this feed has been recorded. */
  hasHistory: boolean;
  heldAt: number | null;
  heldReason: string | null;
  /** Set by `crier feed accept`: how the next poll treats the held items. */
  acceptMode: "record" | "post" | null;
  lastError: string | null;
  errorStreak: number;
  lastPolledAt: number | null;
  lastOkAt: number | null;
  /** A failing feed is not polled before this time (backoff, or the slow probe when demoted). */
  nextPollAt: number | null;
  /** Set while the feed is demoted to a slow probe after a streak of failures. */
  demotedAt: number | null;
  /** No request before this time: the server's Cache-Control max-age or Retry-After. */
  freshUntil: number | null;
  /** Destinations this feed's items have been seeded for. */
  seededRoutes: ReadonlySet<string>;
}

/** A feed's health as stored, for `crier feed list`. */
export type FeedStatus = Pick<
  FeedState,
  "feedId" | "heldAt" | "heldReason" | "acceptMode" | "lastError" | "errorStreak" | "lastPolledAt" | "lastOkAt" | "nextPollAt" | "demotedAt" | "freshUntil"
>;

/** A poll that needed no parse (304 or unchanged body): written in batches. */
export interface PolledFeed {
  feedId: string;
  now: number;
  freshUntil: number | null;
}

/** An item with its identity, as the select stage computed it. */
export interface IdentifiedItem {
  item: FeedItem;
  key: string;
  /** Normalised link when it identifies the article (not shared, not the channel link), else null. */
  normLink: string | null;
  /** Newest first position in the feed's own order. */
  position: number;
  /** The key an earlier Crier gave this item (its relative link resolved against the feed URL), when it differs. */
  legacyKey?: string;
}

export interface KnownItems {
  keys: Set<string>;
  /** normalised link -> item key, for this feed. */
  links: Map<string, string>;
}

export interface PlannedDelivery {
  destinationId: string;
  itemKey: string;
  normLink: string | null;
  state: "pending" | "skipped";
  reason: string | null;
}

/** Everything one poll writes, applied in one transaction. */
export interface PollPlan {
  feedId: string;
  now: number;
  fetchMeta: { etag: string | null; lastModified: string | null; bodyHash: string | null; freshUntil: number | null } | null;
  /**
   * Keys of every item in the fetched document (a full fetch): items of the feed not among them are
   * marked as having left it, for pruning. Null for partial content (a WebSub push of new entries).
   */
  presentKeys: string[] | null;
  /** Items to record as seen; `aliasOf` set when the guid changed but the link is known. */
  newItems: Array<IdentifiedItem & { aliasOf: string | null }>;
  deliveries: PlannedDelivery[];
  seedRoutes: string[];
  /** Set: hold the feed with this reason and write nothing else. */
  hold: string | null;
  /** The operator's accept was used up by this poll. */
  clearAccept: boolean;
}

export interface ApplyResult {
  /** Deliveries created pending. */
  queued: number;
  /** Deliveries created skipped (first run, link already posted, ...). */
  skipped: number;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  feedId?: string;
  destinationId?: string;
  limit?: number;
}

export type Transition =
  | { to: "sending" }
  | { to: "sent"; remoteId: string | null; remoteUrl: string | null; reason?: string | null }
  | { to: "failed"; errorKind: DeliveryErrorKind; reason: string; nextAttemptAt: number }
  | { to: "rejected" | "uncertain" | "skipped" | "deleted"; errorKind: DeliveryErrorKind | null; reason: string }
  /** Queued again; `resetAttempts`: the operator's retry, a fresh set of attempts. */
  | { to: "pending"; reason: string | null; resetAttempts?: boolean };

export interface DestinationState {
  destinationId: string;
  /** Paused until this time; null with a reason: until the operator resumes it. */
  pausedUntil: number | null;
  pausedReason: string | null;
  consecutiveRejections: number;
}

export interface FeedErrorUpdate {
  message: string;
  now: number;
  nextPollAt: number;
  /** Mark the feed demoted (slow probe) now. */
  demote: boolean;
}

export interface PruneLimits {
  now: number;
  /** Forget items that left their feed before this time (and have no delivery rows). */
  itemsLeftBefore: number;
  /** Delete finished delivery rows last updated before this time. */
  deliveriesBefore: number;
  /** Delete send-log entries older than this (no budget window reaches back further). */
  sendLogBefore: number;
}

export interface PruneResult {
  items: number;
  deliveries: number;
  sendLog: number;
}

/** "unsubscribed": kept so that turning WebSub back on for the feed knows its hub without a new fetch. */
export type WebSubState = "requested" | "active" | "denied" | "unsubscribing" | "unsubscribed" | "failed";

export interface WebSubSubscription {
  feedId: string;
  hub: string;
  topic: string;
  /** The random last segment of the callback URL; the HMAC secret is derived from it. */
  callbackId: string;
  state: WebSubState;
  leaseSeconds: number | null;
  expiresAt: number | null;
  requestedAt: number;
  verifiedAt: number | null;
  lastPushAt: number | null;
  lastError: string | null;
}

export interface DeliveryStore {
  /**
   * A feed's state. The object may be the store's own cached copy, which its later writes update:
   * take what must stay as it was before awaiting anything else.
   */
  getFeedState(feedId: string): Promise<FeedState | null>;
  /** Records successful fetches that needed no parse (304 or unchanged body), in one transaction. */
  recordPolled(polls: readonly PolledFeed[]): Promise<void>;
  /** The server asked us to come back later (429/503 with Retry-After): not a failure. */
  deferFeed(feedId: string, until: number, message: string, now: number): Promise<void>;
  /** Records a failed poll; returns the failure streak including this one. */
  recordFeedError(feedId: string, update: FeedErrorUpdate): Promise<number>;
  /** Clears a feed's failure streak, backoff and demotion (`crier feed resume`). */
  resumeFeed(feedId: string): Promise<void>;
  getKnown(feedId: string, keys: string[], links: string[]): Promise<KnownItems>;
  applyPlan(plan: PollPlan): Promise<ApplyResult>;
  acceptFeed(feedId: string, mode: "record" | "post"): Promise<boolean>;
  /** Every feed the store knows, by id (a feed never polled has no row). */
  listFeeds(): Promise<FeedStatus[]>;

  /**
   * Rows left `sending` by a process that died become `uncertain`; for the destinations listed in
   * `retryable` (their platform honours an idempotency key) rows queued at or after
   * `since` (the key is still remembered) are queued again instead.
   */
  recoverInterrupted(now: number, retryable: ReadonlyArray<{ destinationId: string; since: number }>): Promise<{ uncertain: number; requeued: number }>;
  /** Times (epoch ms, ascending) of sends to a destination since `since`. */
  sendTimes(destinationId: string, since: number): Promise<number[]>;
  /** Due rows (pending, or failed whose next attempt has come), oldest article first. */
  dueDeliveries(now: number, limit: number, destinationIds: string[]): Promise<DueDelivery[]>;
  /** Moves a row from one of `from` to a new state. False when the row was not in `from`. */
  transition(id: number, from: readonly DeliveryState[], change: Transition, now: number): Promise<boolean>;
  /** Records a row's failed image attempts and, once it goes without its image, why. */
  setImageState(id: number, failures: number, dropped: string | null, now: number): Promise<void>;
  getDelivery(id: number): Promise<DeliveryRecord | null>;
  listDeliveries(filter: DeliveryFilter): Promise<DeliveryRecord[]>;

  getDestinationStates(): Promise<DestinationState[]>;
  setDestinationPause(destinationId: string, pausedUntil: number | null, reason: string | null, now: number): Promise<void>;
  /** Counts content rejections in a row (a success resets it); returns the count. */
  countRejection(destinationId: string, rejected: boolean, now: number): Promise<number>;
  /** Deliveries per state for each destination. */
  countByState(): Promise<Array<{ destinationId: string; state: DeliveryState; count: number }>>;
  /** True (and recorded) when an alert with this key may be sent now under the throttle. */
  claimAlert(key: string, now: number, throttleMs: number, maxPerHour: number): Promise<boolean>;

  /** Deletes what retention allows, in one transaction. */
  prune(limits: PruneLimits): Promise<PruneResult>;
  /** Folds the write-ahead log back into the database file and truncates it (SQLite). */
  checkpoint(): Promise<void>;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  listSubscriptions(): Promise<WebSubSubscription[]>;
  getSubscription(feedId: string): Promise<WebSubSubscription | null>;
  getSubscriptionByCallback(callbackId: string): Promise<WebSubSubscription | null>;
  putSubscription(subscription: WebSubSubscription): Promise<void>;

  close(): Promise<void>;
}
