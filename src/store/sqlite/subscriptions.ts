/** SubscriptionStore on SQLite: the websub_subscriptions table. */
import type { SubscriptionStore, WebSubSubscription } from "../subscriptions.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";

export class SqliteSubscriptionStore implements SubscriptionStore {
  constructor(readonly conn: SqliteConnection) {}

  async listSubscriptions(): Promise<readonly WebSubSubscription[]> {
    return (this.conn.stmt("SELECT * FROM websub_subscriptions ORDER BY feed_id").all() as Row[]).map(toSubscription);
  }

  async getSubscription(feedId: string): Promise<WebSubSubscription | null> {
    const row = this.conn.stmt("SELECT * FROM websub_subscriptions WHERE feed_id = ?").get(feedId) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async getSubscriptionByCallback(callbackId: string): Promise<WebSubSubscription | null> {
    const row = this.conn.stmt("SELECT * FROM websub_subscriptions WHERE callback_id = ?").get(callbackId) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async putSubscription(s: WebSubSubscription): Promise<void> {
    this.conn.stmt(
      `INSERT INTO websub_subscriptions (feed_id, hub, topic, callback_id, state, lease_seconds, expires_at, requested_at, verified_at, last_push_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (feed_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, callback_id = excluded.callback_id,
         state = excluded.state, lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
         requested_at = excluded.requested_at, verified_at = excluded.verified_at, last_push_at = excluded.last_push_at,
         last_error = excluded.last_error`,
    ).run(s.feedId, s.hub, s.topic, s.callbackId, s.state, s.leaseSeconds, s.expiresAt, s.requestedAt, s.verifiedAt, s.lastPushAt, s.lastError);
  }
}
guardStorageErrors(SqliteSubscriptionStore);

function toSubscription(row: Row): WebSubSubscription {
  return {
    feedId: row.feed_id as string,
    hub: row.hub as string,
    topic: row.topic as string,
    callbackId: row.callback_id as string,
    state: row.state as WebSubSubscription["state"],
    leaseSeconds: row.lease_seconds as number | null,
    expiresAt: row.expires_at as number | null,
    requestedAt: row.requested_at as number,
    verifiedAt: row.verified_at as number | null,
    lastPushAt: row.last_push_at as number | null,
    lastError: row.last_error as string | null,
  };
}
