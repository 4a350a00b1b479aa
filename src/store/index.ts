/**
 * The store behind every stage that remembers, one interface per concern. Async so that a
 * networked database (PostgreSQL) can implement it; every method that changes more than one row
 * does it in one explicit transaction. Values come back typed readonly: callers never write them
 * (no copies are made for that). A failure of the store itself (its file is damaged, unreadable or
 * cannot be written) is thrown as a StorageError (./storage-error.ts).
 */
import type { FeedStore } from "./feeds.js";
import type { DeliveryStore } from "./deliveries.js";
import type { DestinationStore } from "./destinations.js";
import type { SubscriptionStore } from "./subscriptions.js";
import type { MetaStore } from "./meta.js";
import type { LeaseStore } from "./leases.js";
import type { RequestStore } from "./requests.js";

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

export interface Store {
  /** Where the data lives, for messages (a file, ":memory:"). */
  readonly location: string;
  readonly feeds: FeedStore;
  readonly deliveries: DeliveryStore;
  readonly destinations: DestinationStore;
  readonly subscriptions: SubscriptionStore;
  readonly meta: MetaStore;
  /** Who holds the store (./leases.ts). */
  readonly leases: LeaseStore;
  /** Operator requests handed to the holder (./requests.ts). */
  readonly requests: RequestStore;
  /** Retention across concerns (items, finished deliveries, the send log), in one transaction. */
  prune(limits: PruneLimits): Promise<PruneResult>;
  /** Folds the write-ahead log back into the database file and truncates it (SQLite; elsewhere nothing). */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}
