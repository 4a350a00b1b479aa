/** The Store on one SQLite file (better-sqlite3): each concern's store over the one connection. */
import type { PruneLimits, PruneResult, Store } from "../index.js";
import { guardStorageErrors, SqliteConnection, type ConnectionOptions } from "./connection.js";
import { SqliteFeedStore, type SqliteFeedStoreOptions } from "./feeds.js";
import { SqliteDeliveryStore } from "./deliveries.js";
import { SqliteDestinationStore } from "./destinations.js";
import { SqliteSubscriptionStore } from "./subscriptions.js";
import { SqliteMetaStore } from "./meta.js";
import { SqliteLeaseStore } from "./leases.js";
import { SqliteRequestStore } from "./requests.js";

export type SqliteStoreOptions = ConnectionOptions & SqliteFeedStoreOptions;

export class SqliteStore implements Store {
  readonly conn: SqliteConnection;
  readonly feeds: SqliteFeedStore;
  readonly deliveries: SqliteDeliveryStore;
  readonly destinations: SqliteDestinationStore;
  readonly subscriptions: SqliteSubscriptionStore;
  readonly meta: SqliteMetaStore;
  readonly leases: SqliteLeaseStore;
  readonly requests: SqliteRequestStore;

  /** @throws StorageError when the file cannot be created, opened or used (naming it, saying what to do). */
  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.conn = new SqliteConnection(file, opts);
    this.feeds = new SqliteFeedStore(this.conn, opts);
    this.deliveries = new SqliteDeliveryStore(this.conn);
    this.destinations = new SqliteDestinationStore(this.conn);
    this.subscriptions = new SqliteSubscriptionStore(this.conn);
    this.meta = new SqliteMetaStore(this.conn);
    this.leases = new SqliteLeaseStore(this.conn);
    this.requests = new SqliteRequestStore(this.conn);
  }

  get location(): string {
    return this.conn.file;
  }

  /** Schema version of the open file. */
  get schemaVersion(): number {
    return this.conn.schemaVersion;
  }

  async prune(limits: PruneLimits): Promise<PruneResult> {
    this.feeds.forgetAll(); // a feed whose items are all pruned has no history any more
    const { conn } = this;
    return conn.db.transaction((): PruneResult => {
      const deliveries = conn.stmt(
        `DELETE FROM deliveries WHERE state IN ('sent', 'rejected', 'skipped', 'deleted') AND updated_at < ?`,
      ).run(limits.deliveriesBefore).changes;
      const items = conn.stmt(
        `DELETE FROM items WHERE left_at IS NOT NULL AND left_at < ?
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.feed_id = items.feed_id AND d.item_key = items.item_key)`,
      ).run(limits.itemsLeftBefore).changes;
      const sendLog = conn.stmt("DELETE FROM send_log WHERE sent_at < ?").run(limits.sendLogBefore).changes;
      return { items, deliveries, sendLog };
    })();
  }

  async checkpoint(): Promise<void> {
    const { db } = this.conn;
    if (db.memory || db.readonly) return;
    db.pragma("wal_checkpoint(TRUNCATE)");
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
guardStorageErrors(SqliteStore);
