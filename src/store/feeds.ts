/**
 * Feeds and their items: what each poll needs to know first (validators, health, seeded routes),
 * the items seen, and the poll's plan applied in one transaction. Written by intake only.
 */
import { createHash } from "node:crypto";
import type { FeedItem } from "../core/feed-item.js";

export interface FeedState {
  readonly feedId: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly bodyHash: string | null;
  /** At least one item of this feed has been recorded. */
  readonly hasHistory: boolean;
  readonly heldAt: number | null;
  readonly heldReason: string | null;
  /** Set by `crier feed accept`: how the next poll treats the held items. */
  readonly acceptMode: "record" | "post" | null;
  readonly lastError: string | null;
  readonly errorStreak: number;
  readonly lastPolledAt: number | null;
  readonly lastOkAt: number | null;
  /** A failing feed is not polled before this time (backoff, or the slow probe when demoted). */
  readonly nextPollAt: number | null;
  /** Set while the feed is demoted to a slow probe after a streak of failures. */
  readonly demotedAt: number | null;
  /** No request before this time: the server's Cache-Control max-age or Retry-After. */
  readonly freshUntil: number | null;
  /** Destinations this feed's items have been seeded for. */
  readonly seededRoutes: ReadonlySet<string>;
  /**
   * `keysDigest` of the keys the feed's last full fetch listed, every one an item of the feed still
   * (present items are never pruned; a push of new items clears it): a document with the same key
   * set has no new item. Null when unknown.
   */
  readonly keysDigest: string | null;
}

/**
 * The digest of a full fetch's key set (order and repeats ignored): what `FeedState.keysDigest`
 * holds for the keys last recorded. Pure.
 */
export function keysDigest(keys: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify([...new Set(keys)].sort())).digest("base64url");
}

/**
 * A feed's state without its digests (`bodyHash`, `keysDigest`): what a poll reads before its fetch.
 * A 304 needs neither, and printing them from the cache's bytes cost ~1.5 µs a poll.
 */
export type PollState = Omit<FeedState, "bodyHash" | "keysDigest">;

/** A feed's health as stored, for `crier feed list`. */
export type FeedStatus = Pick<
  FeedState,
  "feedId" | "heldAt" | "heldReason" | "acceptMode" | "lastError" | "errorStreak" | "lastPolledAt" | "lastOkAt" | "nextPollAt" | "demotedAt" | "freshUntil"
>;

/** A poll that needed no parse (304 or unchanged body): written in batches. */
export interface PolledFeed {
  readonly feedId: string;
  readonly now: number;
  readonly freshUntil: number | null;
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
  readonly keys: ReadonlySet<string>;
  /** normalised link -> item key, for this feed. */
  readonly links: ReadonlyMap<string, string>;
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

export interface FeedErrorUpdate {
  message: string;
  now: number;
  nextPollAt: number;
  /** Mark the feed demoted (slow probe) now. */
  demote: boolean;
}

export interface FeedStore {
  /** A feed's state as of this call (the store's later writes do not change the object). */
  getFeedState(feedId: string): Promise<FeedState | null>;
  /**
   * The feed's state when the store has it in memory now (as getFeedState, without the digests), without a promise: a
   * 304 cycle of 10,000 feeds asks 10,000 times. Undefined: not in memory, ask getFeedState.
   * Optional: a store without a cache leaves it out.
   */
  cachedFeedState?(feedId: string): PollState | null | undefined;
  /** Records successful fetches that needed no parse (304 or unchanged body), in one transaction. */
  recordPolled(polls: readonly PolledFeed[]): Promise<void>;
  /** The server asked us to come back later (429/503 with Retry-After): not a failure. */
  deferFeed(feedId: string, until: number, message: string, now: number): Promise<void>;
  /** Records a failed poll; returns the failure streak including this one. */
  recordFeedError(feedId: string, update: FeedErrorUpdate): Promise<number>;
  /** Clears a feed's failure streak, backoff and demotion (`crier feed resume`). */
  resumeFeed(feedId: string): Promise<void>;
  getKnown(feedId: string, keys: readonly string[], links: readonly string[]): Promise<KnownItems>;
  /** Applies a poll's plan (feed state, items, deliveries, seeded routes) in one transaction. */
  applyPlan(plan: PollPlan): Promise<ApplyResult>;
  acceptFeed(feedId: string, mode: "record" | "post"): Promise<boolean>;
  /** Every feed the store knows, by id (a feed never polled has no row). */
  listFeeds(): Promise<readonly FeedStatus[]>;
  /** The feed's newest items as recorded (aliases left out), newest first: what `crier preview` shows. */
  recentItems(feedId: string, limit: number): Promise<readonly FeedItem[]>;
}
