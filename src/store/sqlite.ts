/**
 * DeliveryStore on a SQLite file (better-sqlite3). WAL mode with synchronous=NORMAL: every
 * committed transaction survives a crash of the process (not necessarily of the machine).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { FeedItem } from "../core/feed-item.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
import type {
  ApplyResult,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryState,
  DeliveryStore,
  DestinationState,
  DueDelivery,
  FeedErrorUpdate,
  FeedState,
  KnownItems,
  PollPlan,
  Transition,
} from "./types.js";

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Open an existing file read-only (for --dry-run); fails when the file does not exist. */
  readonly?: boolean;
}

export class SqliteStore implements DeliveryStore {
  private readonly db: Database.Database;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    if (file !== ":memory:" && !opts.readonly) mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    if (!opts.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("busy_timeout = 5000");
      migrate(this.db);
    }
  }

  /** Schema version of the open file. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  async getFeedState(feedId: string): Promise<FeedState | null> {
    const row = this.db.prepare("SELECT * FROM feeds WHERE id = ?").get(feedId) as Row | undefined;
    const hasHistory = !!this.db.prepare("SELECT 1 FROM items WHERE feed_id = ? LIMIT 1").get(feedId);
    if (!row) return hasHistory ? emptyFeedState(feedId, true) : null;
    return {
      feedId,
      etag: row.etag as string | null,
      lastModified: row.last_modified as string | null,
      bodyHash: row.body_hash as string | null,
      hasHistory,
      heldAt: row.held_at as number | null,
      heldReason: row.held_reason as string | null,
      acceptMode: row.accept_mode as FeedState["acceptMode"],
      lastError: row.last_error as string | null,
      errorStreak: row.error_streak as number,
      lastPolledAt: row.last_polled_at as number | null,
      lastOkAt: row.last_ok_at as number | null,
      nextPollAt: row.next_poll_at as number | null,
      demotedAt: row.demoted_at as number | null,
    };
  }

  async recordNotModified(feedId: string, now: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO feeds (id, last_polled_at, last_ok_at, error_streak) VALUES (?, ?, ?, 0)
         ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at,
           last_ok_at = excluded.last_ok_at, last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL`,
      )
      .run(feedId, now, now);
  }

  async recordFeedError(feedId: string, u: FeedErrorUpdate): Promise<number> {
    const row = this.db
      .prepare(
        `INSERT INTO feeds (id, last_polled_at, last_error, error_streak, next_poll_at, demoted_at) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at, last_error = excluded.last_error,
           error_streak = feeds.error_streak + 1, next_poll_at = excluded.next_poll_at,
           demoted_at = COALESCE(feeds.demoted_at, excluded.demoted_at)
         RETURNING error_streak`,
      )
      .get(feedId, u.now, u.message, u.nextPollAt, u.demote ? u.now : null) as Row;
    return row.error_streak as number;
  }

  async resumeFeed(feedId: string): Promise<void> {
    this.db.prepare("UPDATE feeds SET error_streak = 0, next_poll_at = NULL, demoted_at = NULL WHERE id = ?").run(feedId);
  }

  async getKnown(feedId: string, keys: string[], links: string[]): Promise<KnownItems> {
    const known: KnownItems = { keys: new Set(), links: new Map() };
    const byKey = this.db.prepare("SELECT 1 FROM items WHERE feed_id = ? AND item_key = ?");
    for (const key of keys) if (byKey.get(feedId, key)) known.keys.add(key);
    const byLink = this.db.prepare("SELECT item_key FROM items WHERE feed_id = ? AND norm_link = ? LIMIT 1");
    for (const link of links) {
      const row = byLink.get(feedId, link) as Row | undefined;
      if (row) known.links.set(link, row.item_key as string);
    }
    return known;
  }

  async getSeededRoutes(feedId: string): Promise<Set<string>> {
    const rows = this.db.prepare("SELECT destination_id FROM routes WHERE feed_id = ?").all(feedId) as Row[];
    return new Set(rows.map((r) => r.destination_id as string));
  }

  async applyPlan(plan: PollPlan): Promise<ApplyResult> {
    return this.db.transaction((): ApplyResult => {
      const { feedId, now } = plan;
      this.db.prepare("INSERT INTO feeds (id) VALUES (?) ON CONFLICT (id) DO NOTHING").run(feedId);
      const meta = plan.fetchMeta;
      this.db
        .prepare(
          `UPDATE feeds SET last_polled_at = ?, last_ok_at = ?, last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL,
             etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), body_hash = COALESCE(?, body_hash)
           WHERE id = ?`,
        )
        .run(now, now, meta?.etag ?? null, meta?.lastModified ?? null, meta?.bodyHash ?? null, feedId);
      if (plan.hold) {
        // A held poll must be seen again: forget the body hash and validators so it is re-parsed.
        this.db
          .prepare("UPDATE feeds SET held_at = COALESCE(held_at, ?), held_reason = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ?")
          .run(now, plan.hold, feedId);
        return { queued: 0, skipped: 0 };
      }
      this.db
        .prepare(`UPDATE feeds SET held_at = NULL, held_reason = NULL${plan.clearAccept ? ", accept_mode = NULL" : ""} WHERE id = ?`)
        .run(feedId);
      const insertItem = this.db.prepare(
        `INSERT INTO items (feed_id, item_key, guid, link, norm_link, alias_of, title, published_at, first_seen_at, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
      for (const n of plan.newItems) {
        insertItem.run(
          feedId, n.key, n.item.guid, n.item.link, n.normLink, n.aliasOf, n.item.title,
          n.item.publishedAt ? Date.parse(n.item.publishedAt) : null, now, JSON.stringify(n.item),
        );
      }
      const result: ApplyResult = { queued: 0, skipped: 0 };
      const insertDelivery = this.db.prepare(
        `INSERT INTO deliveries (feed_id, item_key, destination_id, norm_link, state, reason, created_at, updated_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, item_key, destination_id) DO NOTHING`,
      );
      const linkOwner = this.db.prepare(
        `SELECT id, feed_id FROM deliveries WHERE destination_id = ? AND norm_link = ? AND state NOT IN ('skipped', 'rejected', 'deleted')`,
      );
      for (const d of plan.deliveries) {
        let { state, reason } = d;
        if (state === "pending" && d.normLink) {
          const owner = linkOwner.get(d.destinationId, d.normLink) as Row | undefined;
          if (owner) {
            state = "skipped";
            reason = `link already delivered to this destination (delivery ${owner.id} from feed ${owner.feed_id})`;
          }
        }
        // The partial UNIQUE index is the guarantee; the lookup above only gives the reason.
        const info = insertDelivery.run(feedId, d.itemKey, d.destinationId, d.normLink, state, reason, now, now, state === "pending" ? now : null);
        if (info.changes) result[state === "pending" ? "queued" : "skipped"]++;
      }
      const seed = this.db.prepare("INSERT INTO routes (feed_id, destination_id, seeded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
      for (const destinationId of plan.seedRoutes) seed.run(feedId, destinationId, now);
      return result;
    })();
  }

  async acceptFeed(feedId: string, mode: "record" | "post"): Promise<boolean> {
    const info = this.db.prepare("UPDATE feeds SET accept_mode = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ? AND held_at IS NOT NULL").run(mode, feedId);
    return info.changes > 0;
  }

  async recoverInterrupted(now: number, retryable: ReadonlyArray<{ destinationId: string; since: number }>): Promise<{ uncertain: number; requeued: number }> {
    return this.db.transaction(() => {
      const requeue = this.db.prepare(
        `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?,
           reason = 'the process stopped during the send; sent again under the same idempotency key'
         WHERE state = 'sending' AND destination_id = ? AND created_at >= ?`,
      );
      let requeued = 0;
      for (const r of retryable) requeued += requeue.run(now, now, r.destinationId, r.since).changes;
      const uncertain = this.db
        .prepare(
          `UPDATE deliveries SET state = 'uncertain', error_kind = 'unknown-outcome', updated_at = ?,
             reason = 'the process stopped during the send: the post may or may not have been published'
           WHERE state = 'sending'`,
        )
        .run(now).changes;
      return { uncertain, requeued };
    })();
  }

  async sendTimes(destinationId: string, since: number): Promise<number[]> {
    const rows = this.db
      .prepare("SELECT sent_at FROM send_log WHERE destination_id = ? AND sent_at >= ? ORDER BY sent_at")
      .all(destinationId, since) as Row[];
    return rows.map((r) => r.sent_at as number);
  }

  async dueDeliveries(now: number, limit: number, destinationIds: string[]): Promise<DueDelivery[]> {
    if (!destinationIds.length) return [];
    const marks = destinationIds.map(() => "?").join(",");
    const rows = this.db
      .prepare(
        `SELECT d.*, i.title AS item_title, i.link AS item_link, i.data AS item_data, i.first_seen_at AS item_first_seen FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key
         WHERE d.destination_id IN (${marks})
           AND (d.state = 'pending' OR (d.state = 'failed' AND d.next_attempt_at <= ?))
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

  async transition(id: number, from: readonly DeliveryState[], change: Transition, now: number): Promise<boolean> {
    const marks = from.map(() => "?").join(",");
    const where = `WHERE id = ? AND state IN (${marks})`;
    const args = [id, ...from];
    let info: Database.RunResult;
    switch (change.to) {
      case "sending":
        // The move and its entry in the send log are one transaction: budgets count what left.
        info = this.db.transaction(() => {
          const r = this.db
            .prepare(`UPDATE deliveries SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?, updated_at = ? ${where}`)
            .run(now, now, ...args);
          if (r.changes) this.db.prepare("INSERT INTO send_log (destination_id, sent_at) SELECT destination_id, ? FROM deliveries WHERE id = ?").run(now, id);
          return r;
        })();
        break;
      case "sent":
        info = this.db
          .prepare(`UPDATE deliveries SET state = 'sent', remote_id = ?, remote_url = ?, reason = ?, error_kind = NULL, next_attempt_at = NULL, sent_at = ?, updated_at = ? ${where}`)
          .run(change.remoteId, change.remoteUrl, change.reason ?? null, now, now, ...args);
        break;
      case "failed":
        info = this.db
          .prepare(`UPDATE deliveries SET state = 'failed', error_kind = ?, reason = ?, next_attempt_at = ?, updated_at = ? ${where}`)
          .run(change.errorKind, change.reason, change.nextAttemptAt, now, ...args);
        break;
      case "pending":
        info = this.db
          .prepare(`UPDATE deliveries SET state = 'pending', reason = ?, error_kind = NULL, next_attempt_at = ?, updated_at = ? ${where}`)
          .run(change.reason, now, now, ...args);
        break;
      default:
        info = this.db
          .prepare(`UPDATE deliveries SET state = ?, error_kind = ?, reason = ?, next_attempt_at = NULL, updated_at = ? ${where}`)
          .run(change.to, change.errorKind, change.reason, now, ...args);
    }
    return info.changes > 0;
  }

  async getDelivery(id: number): Promise<DeliveryRecord | null> {
    const row = this.db
      .prepare(`SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key WHERE d.id = ?`)
      .get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async listDeliveries(filter: DeliveryFilter): Promise<DeliveryRecord[]> {
    const clauses: string[] = [];
    const args: unknown[] = [];
    if (filter.state) (clauses.push("d.state = ?"), args.push(filter.state));
    if (filter.feedId) (clauses.push("d.feed_id = ?"), args.push(filter.feedId));
    if (filter.destinationId) (clauses.push("d.destination_id = ?"), args.push(filter.destinationId));
    const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    const rows = this.db
      .prepare(
        `SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key ${where} ORDER BY d.id DESC LIMIT ?`,
      )
      .all(...args, filter.limit ?? 1000) as Row[];
    return rows.map(toRecord);
  }

  async getDestinationStates(): Promise<DestinationState[]> {
    const rows = this.db.prepare("SELECT * FROM destinations").all() as Row[];
    return rows.map((r) => ({
      destinationId: r.id as string,
      pausedUntil: r.paused_until as number | null,
      pausedReason: r.paused_reason as string | null,
      consecutiveRejections: r.consecutive_rejections as number,
    }));
  }

  async countRejection(destinationId: string, rejected: boolean, now: number): Promise<number> {
    const row = this.db
      .prepare(
        `INSERT INTO destinations (id, consecutive_rejections, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET consecutive_rejections = CASE WHEN ? THEN destinations.consecutive_rejections + 1 ELSE 0 END,
           updated_at = excluded.updated_at
         RETURNING consecutive_rejections`,
      )
      .get(destinationId, rejected ? 1 : 0, now, rejected ? 1 : 0) as Row;
    return row.consecutive_rejections as number;
  }

  async countByState(): Promise<Array<{ destinationId: string; state: DeliveryState; count: number }>> {
    const rows = this.db.prepare("SELECT destination_id, state, COUNT(*) AS n FROM deliveries GROUP BY destination_id, state").all() as Row[];
    return rows.map((r) => ({ destinationId: r.destination_id as string, state: r.state as DeliveryState, count: r.n as number }));
  }

  async claimAlert(key: string, now: number, throttleMs: number, maxPerHour: number): Promise<boolean> {
    return this.db.transaction(() => {
      const last = this.db.prepare("SELECT last_sent_at FROM alerts WHERE alert_key = ?").get(key) as Row | undefined;
      const recent = (this.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE last_sent_at > ?").get(now - 3_600_000) as Row).n as number;
      if ((last && (last.last_sent_at as number) > now - throttleMs) || recent >= maxPerHour) {
        this.db.prepare("UPDATE alerts SET suppressed = suppressed + 1 WHERE alert_key = ?").run(key);
        return false;
      }
      this.db
        .prepare("INSERT INTO alerts (alert_key, last_sent_at) VALUES (?, ?) ON CONFLICT (alert_key) DO UPDATE SET last_sent_at = excluded.last_sent_at, suppressed = 0")
        .run(key, now);
      return true;
    })();
  }

  async setDestinationPause(destinationId: string, pausedUntil: number | null, reason: string | null, now: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO destinations (id, paused_until, paused_reason, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET paused_until = excluded.paused_until, paused_reason = excluded.paused_reason, updated_at = excluded.updated_at`,
      )
      .run(destinationId, pausedUntil, reason, now);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(`the database schema is version ${current}, newer than this Crier knows (${SQLITE_MIGRATIONS.length}); upgrade Crier`);
  }
  for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version - 1] ?? "");
      db.pragma(`user_version = ${version}`);
    })();
  }
}

function emptyFeedState(feedId: string, hasHistory: boolean): FeedState {
  return {
    feedId, etag: null, lastModified: null, bodyHash: null, hasHistory, heldAt: null, heldReason: null,
    acceptMode: null, lastError: null, errorStreak: 0, lastPolledAt: null, lastOkAt: null, nextPollAt: null, demotedAt: null,
  };
}

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
    nextAttemptAt: row.next_attempt_at as number | null,
    remoteId: row.remote_id as string | null,
    remoteUrl: row.remote_url as string | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    sentAt: row.sent_at as number | null,
    title: (row.item_title as string) ?? "",
    link: (row.item_link as string | null) ?? null,
  };
}
