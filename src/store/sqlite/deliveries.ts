/**
 * DeliveryStore on SQLite: the outbox rows and the send log. Plain SQL a PostgreSQL store can
 * port as it is (no SQLite-only functions on this path; the move to `sending` is an explicit
 * transaction with its send-log entry).
 */
import type Database from "better-sqlite3";
import type { FeedItem } from "../../core/feed-item.js";
import type { DeliveryFilter, DeliveryRecord, DeliveryState, DeliveryStore, DueDelivery, InterruptedSend, RetryableDestination, Transition } from "../deliveries.js";
import { LeaseLostError, type LeaseClaim } from "../leases.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";
import { LIVE_LEASE } from "./leases.js";

/** A row in `sending` whose owner holds no live lease: its process stopped (or lost the store). */
const ORPHANED = `state = 'sending' AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.owner = deliveries.owner AND ${LIVE_LEASE})`;

export class SqliteDeliveryStore implements DeliveryStore {
  /**
   * The move to sending and its entry in the send log, in one transaction (the wrapper made once).
   * Fencing: the same statement checks that the claim still holds its lease, and records the owner.
   */
  private readonly markSending: (where: string, args: unknown[], id: number, claim: LeaseClaim, now: number) => Database.RunResult;

  constructor(readonly conn: SqliteConnection) {
    this.markSending = conn.db.transaction((where: string, args: unknown[], id: number, claim: LeaseClaim, now: number): Database.RunResult => {
      const r = conn.stmt(
        `UPDATE deliveries SET state = 'sending', owner = ?, attempts = attempts + 1, last_attempt_at = ?, updated_at = ? ${where}
           AND EXISTS (SELECT 1 FROM leases l WHERE l.name = ? AND l.owner = ? AND ${LIVE_LEASE})`,
      ).run(claim.owner, now, now, ...args, claim.name, claim.owner);
      if (r.changes) conn.stmt("INSERT INTO send_log (destination_id, sent_at, delivery_id) SELECT destination_id, ?, id FROM deliveries WHERE id = ?").run(now, id);
      else if (!conn.stmt(`SELECT 1 FROM leases l WHERE l.name = ? AND l.owner = ? AND ${LIVE_LEASE}`).get(claim.name, claim.owner)) throw new LeaseLostError(claim);
      return r;
    });
  }

  async interruptedSends(): Promise<readonly InterruptedSend[]> {
    const rows = this.conn.stmt(`SELECT id, destination_id, created_at, checkpoint FROM deliveries WHERE ${ORPHANED}`).all() as Row[];
    return rows.map((r) => ({ id: r.id as number, destinationId: r.destination_id as string, createdAt: r.created_at as number, checkpoint: (r.checkpoint as string | null) ?? null }));
  }

  async recoverInterrupted(now: number, retryable: readonly RetryableDestination[], resumable: readonly number[] = []): Promise<{ uncertain: number; requeued: number; resumed: number }> {
    return this.conn.db.transaction(() => {
      const resume = this.conn.stmt(
        `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?,
           reason = 'the process stopped during the send; it resumes from its checkpoint, which tells whether the post was made'
         WHERE ${ORPHANED} AND id = ?`,
      );
      let resumed = 0;
      for (const id of resumable) resumed += resume.run(now, now, id).changes;
      const requeue = this.conn.stmt(
        `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?,
           reason = 'the process stopped during the send; sent again under the same idempotency key'
         WHERE ${ORPHANED} AND destination_id = ? AND created_at >= ?`,
      );
      let requeued = 0;
      for (const r of retryable) requeued += requeue.run(now, now, r.destinationId, r.since).changes;
      const uncertain = this.conn.stmt(
          `UPDATE deliveries SET state = 'uncertain', error_kind = 'unknown-outcome', updated_at = ?,
             reason = 'the process stopped during the send: the post may or may not have been published'
           WHERE ${ORPHANED}`,
        )
        .run(now).changes;
      return { uncertain, requeued, resumed };
    })();
  }

  async sendTimes(destinationId: string, since: number): Promise<readonly number[]> {
    return this.conn.stmt("SELECT sent_at FROM send_log WHERE destination_id = ? AND sent_at >= ? ORDER BY sent_at")
      .pluck()
      .all(destinationId, since) as number[];
  }

  async forgetSend(deliveryId: number, at: number): Promise<void> {
    this.conn.stmt("DELETE FROM send_log WHERE delivery_id = ? AND sent_at = ?").run(deliveryId, at);
  }

  async dueDeliveries(now: number, limit: number, destinationIds: readonly string[]): Promise<readonly DueDelivery[]> {
    if (!destinationIds.length) return [];
    const marks = destinationIds.map(() => "?").join(",");
    const rows = this.conn.stmt(
        `SELECT d.*, i.title AS item_title, i.link AS item_link, i.data AS item_data, i.first_seen_at AS item_first_seen FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key
         WHERE d.destination_id IN (${marks}) AND d.state IN ('pending', 'failed')
           AND (d.next_attempt_at <= ? OR (d.state = 'pending' AND d.next_attempt_at IS NULL))
         ORDER BY COALESCE(i.published_at, i.first_seen_at), d.id
         LIMIT ?`,
      )
      .all(...destinationIds, now, limit) as Row[];
    return rows.map((row) => ({
      record: toRecord(row),
      item: JSON.parse(row.item_data as string) as FeedItem,
      firstSeenAt: row.item_first_seen as number,
    }));
  }

  async nextPendingAt(now: number, destinationIds: readonly string[]): Promise<number | null> {
    if (!destinationIds.length) return null;
    const marks = destinationIds.map(() => "?").join(",");
    const at = this.conn.stmt(`SELECT MIN(next_attempt_at) FROM deliveries WHERE destination_id IN (${marks}) AND state = 'pending' AND next_attempt_at > ?`)
      .pluck()
      .get(...destinationIds, now) as number | null;
    return at ?? null;
  }

  async saveCheckpoint(id: number, attempt: number, value: string, now: number): Promise<boolean> {
    // Fenced like the move to sending: only the attempt that marked the row may write its checkpoint.
    return this.conn.stmt("UPDATE deliveries SET checkpoint = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND attempts = ?").run(value, now, id, attempt).changes > 0;
  }

  async transition(id: number, from: readonly DeliveryState[], change: Transition, now: number, owner?: string): Promise<boolean> {
    const marks = from.map(() => "?").join(",");
    const where = `WHERE id = ? AND state IN (${marks})${owner === undefined ? "" : " AND (state <> 'sending' OR owner = ?)"}`;
    const args = owner === undefined ? [id, ...from] : [id, ...from, owner];
    let info: Database.RunResult;
    switch (change.to) {
      case "sending":
        info = this.markSending(where, args, id, change.claim, now);
        break;
      case "sent":
        info = this.conn.stmt(`UPDATE deliveries SET state = 'sent', remote_id = ?, remote_url = ?, reason = ?, error_kind = NULL, next_attempt_at = NULL, sent_at = ?, updated_at = ? ${where}`)
          .run(change.remoteId, change.remoteUrl, change.reason ?? null, now, now, ...args);
        break;
      case "failed":
        info = this.conn.stmt(`UPDATE deliveries SET state = 'failed', error_kind = ?, reason = ?, next_attempt_at = ?, updated_at = ? ${where}`)
          .run(change.errorKind, change.reason, change.nextAttemptAt, now, ...args);
        break;
      case "pending": {
        const attempts = change.resetAttempts ? ", attempts = 0" : change.uncountAttempt ? ", attempts = MAX(attempts - 1, 0)" : "";
        info = this.conn.stmt(`UPDATE deliveries SET state = 'pending', reason = ?, error_kind = NULL, next_attempt_at = ?, updated_at = ?${attempts}${change.clearCheckpoint ? ", checkpoint = NULL" : ""} ${where}`)
          .run(change.reason, change.nextAttemptAt ?? now, now, ...args);
        break;
      }
      default:
        info = this.conn.stmt(`UPDATE deliveries SET state = ?, error_kind = ?, reason = ?, next_attempt_at = NULL, updated_at = ? ${where}`)
          .run(change.to, change.errorKind, change.reason, now, ...args);
    }
    return info.changes > 0;
  }

  async setImageState(id: number, failures: number, dropped: string | null, now: number): Promise<void> {
    this.conn.stmt("UPDATE deliveries SET image_failures = ?, image_dropped = ?, updated_at = ? WHERE id = ?").run(failures, dropped, now, id);
  }

  async getDelivery(id: number): Promise<DeliveryRecord | null> {
    const row = this.conn.stmt(`SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key WHERE d.id = ?`)
      .get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async listDeliveries(filter: DeliveryFilter): Promise<readonly DeliveryRecord[]> {
    const clauses: string[] = [];
    const args: unknown[] = [];
    if (filter.state) (clauses.push("d.state = ?"), args.push(filter.state));
    if (filter.feedId) (clauses.push("d.feed_id = ?"), args.push(filter.feedId));
    if (filter.destinationId) (clauses.push("d.destination_id = ?"), args.push(filter.destinationId));
    const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    const rows = this.conn.stmt(
        `SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key ${where} ORDER BY d.id DESC LIMIT ?`,
      )
      .all(...args, filter.limit ?? 1000) as Row[];
    return rows.map(toRecord);
  }

  async countByState(): Promise<ReadonlyArray<{ destinationId: string; state: DeliveryState; count: number }>> {
    const rows = this.conn.stmt("SELECT destination_id, state, COUNT(*) AS n FROM deliveries GROUP BY destination_id, state").all() as Row[];
    return rows.map((r) => ({ destinationId: r.destination_id as string, state: r.state as DeliveryState, count: r.n as number }));
  }
}
guardStorageErrors(SqliteDeliveryStore);

function toRecord(row: Row): DeliveryRecord {
  return {
    id: row.id as number,
    feedId: row.feed_id as string,
    itemKey: row.item_key as string,
    destinationId: row.destination_id as string,
    normLink: row.norm_link as string | null,
    state: row.state as DeliveryState,
    reason: row.reason as string | null,
    errorKind: row.error_kind as DeliveryRecord["errorKind"],
    attempts: row.attempts as number,
    imageFailures: (row.image_failures as number | undefined) ?? 0,
    imageDropped: (row.image_dropped as string | null | undefined) ?? null,
    nextAttemptAt: row.next_attempt_at as number | null,
    checkpoint: (row.checkpoint as string | null | undefined) ?? null,
    remoteId: row.remote_id as string | null,
    remoteUrl: row.remote_url as string | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    sentAt: row.sent_at as number | null,
    title: (row.item_title as string) ?? "",
    link: (row.item_link as string | null) ?? null,
  };
}
