/**
 * DeliveryStore on a SQLite file (better-sqlite3). WAL mode with synchronous=NORMAL: every
 * committed transaction survives a crash of the process (not necessarily of the machine).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { FeedItem } from "../core/feed-item.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
import { checkSchema, toStorageError } from "./sqlite-check.js";
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
  FeedStatus,
  KnownItems,
  PollPlan,
  PolledFeed,
  PruneLimits,
  PruneResult,
  Transition,
  WebSubSubscription,
} from "./types.js";

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Open an existing file read-only (for --dry-run); fails when the file does not exist. */
  readonly?: boolean;
  /**
   * How long cached feed states are trusted before looking for other connections' commits again
   * (ms, default 1000): the look itself costs about as much as reading a row.
   */
  recheckOthersMs?: number;
  /**
   * A poll that changes nothing but a feed's poll times (a 304 on a healthy feed) rewrites its row
   * at most this often (ms, default 10 minutes); the times held in memory are always current.
   */
  pollTimesEveryMs?: number;
  /** SQLite's page cache in MB (default 2; better-sqlite3's own is 16). */
  cacheMB?: number;
}

export class SqliteStore implements DeliveryStore {
  private readonly db: Database.Database;

  /** The database file (":memory:" for none). */
  readonly file: string;

  /** @throws StorageError when the file cannot be created, opened or used (naming it, saying what to do). */
  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.file = file;
    this.recheckOthersMs = opts.recheckOthersMs ?? 1000;
    this.pollTimesEveryMs = opts.pollTimesEveryMs ?? 10 * 60_000;
    try {
      if (file !== ":memory:" && !opts.readonly) mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (err) {
      throw toStorageError(err, file) ?? err;
    }
    try {
      // First: another process may be creating or migrating this file right now (wait for it).
      if (!opts.readonly) this.db.pragma("busy_timeout = 5000");
      // Negative: a size in KiB rather than in pages.
      this.db.pragma(`cache_size = ${-Math.round((opts.cacheMB ?? 2) * 1024)}`);
      checkSchema(this.db, file);
      if (!opts.readonly) {
        whenNotBusy(() => this.db.pragma("journal_mode = WAL"));
        this.db.pragma("synchronous = NORMAL");
        this.db.pragma("foreign_keys = ON");
        whenNotBusy(() => migrate(this.db));
      }
    } catch (err) {
      this.db.close();
      throw toStorageError(err, file) ?? err;
    }
    this.markSending = this.db.transaction((where: string, args: unknown[], id: number, now: number): Database.RunResult => {
      const r = this.stmt(`UPDATE deliveries SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?, updated_at = ? ${where}`).run(now, now, ...args);
      if (r.changes) this.stmt("INSERT INTO send_log (destination_id, sent_at) SELECT destination_id, ? FROM deliveries WHERE id = ?").run(now, id);
      return r;
    });
  }

  private readonly statements = new Map<string, Database.Statement>();
  /** The move to sending and its entry in the send log, in one transaction (the wrapper made once). */
  private readonly markSending: (where: string, args: unknown[], id: number, now: number) => Database.RunResult;
  /** Compiles each SQL text once (compiling costs more than running the small queries here). */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Schema version of the open file. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  /**
   * Feed states as this connection last read or wrote them: a poll cycle of thousands of
   * unchanged feeds reads no row (~10 µs each). Writes here update or forget their feed's entry.
   * A commit by any other connection (`crier feed resume` in another process) changes PRAGMA
   * data_version, looked at most every `recheckOthersMs`; then every entry is forgotten.
   */
  private readonly feedStates = new Map<string, FeedState | null>();
  /**
   * last_polled_at as stored, for feeds in feedStates: 10,000 unchanged feeds every few minutes
   * would otherwise rewrite every page of the feeds table each cycle, for two timestamps.
   */
  private readonly storedPolledAt = new Map<string, number | null>();
  private readonly pollTimesEveryMs: number;
  private feedStatesVersion: unknown = null;
  private feedStatesCheckedAt = -Infinity;
  private readonly recheckOthersMs: number;

  private feedStateCache(): Map<string, FeedState | null> {
    const now = performance.now();
    if (now - this.feedStatesCheckedAt < this.recheckOthersMs) return this.feedStates;
    this.feedStatesCheckedAt = now;
    const version = this.stmt("PRAGMA data_version").pluck().get();
    if (version !== this.feedStatesVersion) {
      this.forgetAllFeedStates();
      this.feedStatesVersion = version;
    }
    return this.feedStates;
  }

  async getFeedState(feedId: string): Promise<FeedState | null> {
    const cache = this.feedStateCache();
    const cached = cache.get(feedId);
    if (cached !== undefined) return cached;
    const state = this.readFeedState(feedId);
    cache.set(feedId, state);
    this.storedPolledAt.set(feedId, state?.lastPolledAt ?? null);
    return state;
  }

  private readFeedState(feedId: string): FeedState | null {
    // One statement for everything a poll needs to know first.
    const row = this.stmt(
      `SELECT f.*, EXISTS (SELECT 1 FROM items WHERE feed_id = q.id) AS has_history,
         (SELECT group_concat(destination_id, char(31)) FROM routes WHERE feed_id = q.id) AS seeded
       FROM (SELECT ? AS id) q LEFT JOIN feeds f ON f.id = q.id`,
    ).get(feedId) as Row;
    const hasHistory = row.has_history === 1;
    const seededRoutes = new Set(row.seeded ? (row.seeded as string).split("\u001f") : []);
    if (row.id === null) return hasHistory || seededRoutes.size ? { ...emptyFeedState(feedId, hasHistory), seededRoutes } : null;
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
      freshUntil: row.fresh_until as number | null,
      seededRoutes,
    };
  }

  async recordPolled(polls: readonly PolledFeed[]): Promise<void> {
    if (!polls.length) return;
    const upsert = this.stmt(
      `INSERT INTO feeds (id, last_polled_at, last_ok_at, error_streak, fresh_until) VALUES (?, ?, ?, 0, ?)
       ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at, last_ok_at = excluded.last_ok_at,
         last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL, fresh_until = excluded.fresh_until`,
    );
    const toWrite = polls.filter((p) => !this.onlyPollTimesChange(p));
    try {
      this.db.transaction(() => {
        for (const p of toWrite) upsert.run(p.feedId, p.now, p.now, p.freshUntil);
      })();
    } catch (err) {
      for (const p of polls) this.forgetFeedState(p.feedId);
      throw err;
    }
    for (const p of toWrite) this.storedPolledAt.set(p.feedId, p.now);
    for (const p of polls) {
      const state = this.feedStates.get(p.feedId);
      // The same columns as the upsert above (a test compares this with the row read back). In
      // place: a copy of every state on every cycle was 2 MB of old-generation garbage per
      // 10,000 feeds. A state object therefore follows the store, like a row read again.
      if (state) {
        state.lastPolledAt = p.now;
        state.lastOkAt = p.now;
        state.lastError = null;
        state.errorStreak = 0;
        state.nextPollAt = null;
        state.demotedAt = null;
        state.freshUntil = p.freshUntil;
      } else this.forgetFeedState(p.feedId);
    }
  }

  /** True when the upsert would change only the poll times, and the stored ones are recent enough. */
  private onlyPollTimesChange(p: PolledFeed): boolean {
    const state = this.feedStates.get(p.feedId);
    const stored = this.storedPolledAt.get(p.feedId);
    if (!state || stored == null || p.now - stored >= this.pollTimesEveryMs) return false;
    return state.errorStreak === 0 && state.lastError === null && state.nextPollAt === null && state.demotedAt === null && state.freshUntil === p.freshUntil;
  }

  private forgetFeedState(feedId: string): void {
    this.feedStates.delete(feedId);
    this.storedPolledAt.delete(feedId);
  }

  private forgetAllFeedStates(): void {
    this.feedStates.clear();
    this.storedPolledAt.clear();
  }

  async deferFeed(feedId: string, until: number, message: string, now: number): Promise<void> {
    this.forgetFeedState(feedId);
    this.stmt(
      `INSERT INTO feeds (id, last_polled_at, last_error, fresh_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at, last_error = excluded.last_error, fresh_until = excluded.fresh_until`,
    ).run(feedId, now, message, until);
  }

  async recordFeedError(feedId: string, u: FeedErrorUpdate): Promise<number> {
    this.forgetFeedState(feedId);
    const row = this.stmt(
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
    this.forgetFeedState(feedId);
    this.stmt("UPDATE feeds SET error_streak = 0, next_poll_at = NULL, demoted_at = NULL WHERE id = ?").run(feedId);
  }

  async getKnown(feedId: string, keys: string[], links: string[]): Promise<KnownItems> {
    const known: KnownItems = { keys: new Set(), links: new Map() };
    const byKey = this.stmt("SELECT 1 FROM items WHERE feed_id = ? AND item_key = ?");
    for (const key of keys) if (byKey.get(feedId, key)) known.keys.add(key);
    const byLink = this.stmt("SELECT item_key FROM items WHERE feed_id = ? AND norm_link = ? LIMIT 1");
    for (const link of links) {
      const row = byLink.get(feedId, link) as Row | undefined;
      if (row) known.links.set(link, row.item_key as string);
    }
    return known;
  }

  async applyPlan(plan: PollPlan): Promise<ApplyResult> {
    this.forgetFeedState(plan.feedId);
    return this.db.transaction((): ApplyResult => {
      const { feedId, now } = plan;
      this.stmt("INSERT INTO feeds (id) VALUES (?) ON CONFLICT (id) DO NOTHING").run(feedId);
      const meta = plan.fetchMeta;
      // Content a hub pushed (no fetchMeta) is not a poll: the feed's poll times, validators and
      // freshness stay as they are, so the safety-net poll still comes when it is due.
      if (meta) {
        this.stmt(
          `UPDATE feeds SET last_polled_at = ?, last_ok_at = ?, last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL,
             etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), body_hash = COALESCE(?, body_hash),
             fresh_until = ?
           WHERE id = ?`,
        ).run(now, now, meta.etag, meta.lastModified, meta.bodyHash, meta.freshUntil, feedId);
      }
      if (plan.hold) {
        // A held poll must be seen again: forget the body hash and validators so it is re-parsed.
        this.stmt("UPDATE feeds SET held_at = COALESCE(held_at, ?), held_reason = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ?")
          .run(now, plan.hold, feedId);
        return { queued: 0, skipped: 0 };
      }
      this.stmt(`UPDATE feeds SET held_at = NULL, held_reason = NULL${plan.clearAccept ? ", accept_mode = NULL" : ""} WHERE id = ?`)
        .run(feedId);
      const insertItem = this.stmt(
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
      const insertDelivery = this.stmt(
        `INSERT INTO deliveries (feed_id, item_key, destination_id, norm_link, state, reason, created_at, updated_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, item_key, destination_id) DO NOTHING`,
      );
      const linkOwner = this.stmt(
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
      if (plan.presentKeys) this.markPresence(feedId, plan.presentKeys, now);
      const seed = this.stmt("INSERT INTO routes (feed_id, destination_id, seeded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
      for (const destinationId of plan.seedRoutes) seed.run(feedId, destinationId, now);
      return result;
    })();
  }

  /** Items of the feed missing from a full fetch have left it (since now); listed ones are back. */
  private markPresence(feedId: string, presentKeys: string[], now: number): void {
    const listed = JSON.stringify(presentKeys);
    this.stmt(
      `UPDATE items SET left_at = ? WHERE feed_id = ? AND left_at IS NULL AND item_key NOT IN (SELECT value FROM json_each(?))`,
    ).run(now, feedId, listed);
    this.stmt(`UPDATE items SET left_at = NULL WHERE feed_id = ? AND left_at IS NOT NULL AND item_key IN (SELECT value FROM json_each(?))`).run(feedId, listed);
  }

  async acceptFeed(feedId: string, mode: "record" | "post"): Promise<boolean> {
    this.forgetFeedState(feedId);
    const info = this.stmt("UPDATE feeds SET accept_mode = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ? AND held_at IS NOT NULL").run(mode, feedId);
    return info.changes > 0;
  }

  async recoverInterrupted(now: number, retryable: ReadonlyArray<{ destinationId: string; since: number }>): Promise<{ uncertain: number; requeued: number }> {
    return this.db.transaction(() => {
      const requeue = this.stmt(
        `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?,
           reason = 'the process stopped during the send; sent again under the same idempotency key'
         WHERE state = 'sending' AND destination_id = ? AND created_at >= ?`,
      );
      let requeued = 0;
      for (const r of retryable) requeued += requeue.run(now, now, r.destinationId, r.since).changes;
      const uncertain = this.stmt(
          `UPDATE deliveries SET state = 'uncertain', error_kind = 'unknown-outcome', updated_at = ?,
             reason = 'the process stopped during the send: the post may or may not have been published'
           WHERE state = 'sending'`,
        )
        .run(now).changes;
      return { uncertain, requeued };
    })();
  }

  async sendTimes(destinationId: string, since: number): Promise<number[]> {
    const rows = this.stmt("SELECT sent_at FROM send_log WHERE destination_id = ? AND sent_at >= ? ORDER BY sent_at")
      .all(destinationId, since) as Row[];
    return rows.map((r) => r.sent_at as number);
  }

  async dueDeliveries(now: number, limit: number, destinationIds: string[]): Promise<DueDelivery[]> {
    if (!destinationIds.length) return [];
    const marks = destinationIds.map(() => "?").join(",");
    const rows = this.stmt(
        `SELECT d.*, i.title AS item_title, i.link AS item_link, i.data AS item_data, i.first_seen_at AS item_first_seen FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key
         WHERE d.destination_id IN (${marks}) AND d.state IN ('pending', 'failed')
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
        info = this.markSending(where, args, id, now);
        break;
      case "sent":
        info = this.stmt(`UPDATE deliveries SET state = 'sent', remote_id = ?, remote_url = ?, reason = ?, error_kind = NULL, next_attempt_at = NULL, sent_at = ?, updated_at = ? ${where}`)
          .run(change.remoteId, change.remoteUrl, change.reason ?? null, now, now, ...args);
        break;
      case "failed":
        info = this.stmt(`UPDATE deliveries SET state = 'failed', error_kind = ?, reason = ?, next_attempt_at = ?, updated_at = ? ${where}`)
          .run(change.errorKind, change.reason, change.nextAttemptAt, now, ...args);
        break;
      case "pending":
        info = this.stmt(`UPDATE deliveries SET state = 'pending', reason = ?, error_kind = NULL, next_attempt_at = ?, updated_at = ?${change.resetAttempts ? ", attempts = 0" : ""} ${where}`)
          .run(change.reason, now, now, ...args);
        break;
      default:
        info = this.stmt(`UPDATE deliveries SET state = ?, error_kind = ?, reason = ?, next_attempt_at = NULL, updated_at = ? ${where}`)
          .run(change.to, change.errorKind, change.reason, now, ...args);
    }
    return info.changes > 0;
  }

  async setImageState(id: number, failures: number, dropped: string | null, now: number): Promise<void> {
    this.stmt("UPDATE deliveries SET image_failures = ?, image_dropped = ?, updated_at = ? WHERE id = ?").run(failures, dropped, now, id);
  }

  async getDelivery(id: number): Promise<DeliveryRecord | null> {
    const row = this.stmt(`SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key WHERE d.id = ?`)
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
    const rows = this.stmt(
        `SELECT d.*, i.title AS item_title, i.link AS item_link FROM deliveries d
         JOIN items i ON i.feed_id = d.feed_id AND i.item_key = d.item_key ${where} ORDER BY d.id DESC LIMIT ?`,
      )
      .all(...args, filter.limit ?? 1000) as Row[];
    return rows.map(toRecord);
  }

  async listFeeds(): Promise<FeedStatus[]> {
    const rows = this.stmt("SELECT * FROM feeds ORDER BY id").all() as Row[];
    return rows.map((row) => ({
      feedId: row.id as string,
      heldAt: row.held_at as number | null,
      heldReason: row.held_reason as string | null,
      acceptMode: row.accept_mode as FeedStatus["acceptMode"],
      lastError: row.last_error as string | null,
      errorStreak: row.error_streak as number,
      lastPolledAt: row.last_polled_at as number | null,
      lastOkAt: row.last_ok_at as number | null,
      nextPollAt: row.next_poll_at as number | null,
      demotedAt: row.demoted_at as number | null,
      freshUntil: row.fresh_until as number | null,
    }));
  }

  async getDestinationStates(): Promise<DestinationState[]> {
    const rows = this.stmt("SELECT * FROM destinations").all() as Row[];
    return rows.map((r) => ({
      destinationId: r.id as string,
      pausedUntil: r.paused_until as number | null,
      pausedReason: r.paused_reason as string | null,
      consecutiveRejections: r.consecutive_rejections as number,
    }));
  }

  async countRejection(destinationId: string, rejected: boolean, now: number): Promise<number> {
    const row = this.stmt(
        `INSERT INTO destinations (id, consecutive_rejections, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET consecutive_rejections = CASE WHEN ? THEN destinations.consecutive_rejections + 1 ELSE 0 END,
           updated_at = excluded.updated_at
         RETURNING consecutive_rejections`,
      )
      .get(destinationId, rejected ? 1 : 0, now, rejected ? 1 : 0) as Row;
    return row.consecutive_rejections as number;
  }

  async countByState(): Promise<Array<{ destinationId: string; state: DeliveryState; count: number }>> {
    const rows = this.stmt("SELECT destination_id, state, COUNT(*) AS n FROM deliveries GROUP BY destination_id, state").all() as Row[];
    return rows.map((r) => ({ destinationId: r.destination_id as string, state: r.state as DeliveryState, count: r.n as number }));
  }

  async claimAlert(key: string, now: number, throttleMs: number, maxPerHour: number): Promise<boolean> {
    return this.db.transaction(() => {
      const last = this.stmt("SELECT last_sent_at FROM alerts WHERE alert_key = ?").get(key) as Row | undefined;
      const recent = (this.stmt("SELECT COUNT(*) AS n FROM alerts WHERE last_sent_at > ?").get(now - 3_600_000) as Row).n as number;
      if ((last && (last.last_sent_at as number) > now - throttleMs) || recent >= maxPerHour) {
        this.stmt("UPDATE alerts SET suppressed = suppressed + 1 WHERE alert_key = ?").run(key);
        return false;
      }
      this.stmt("INSERT INTO alerts (alert_key, last_sent_at) VALUES (?, ?) ON CONFLICT (alert_key) DO UPDATE SET last_sent_at = excluded.last_sent_at, suppressed = 0")
        .run(key, now);
      return true;
    })();
  }

  async setDestinationPause(destinationId: string, pausedUntil: number | null, reason: string | null, now: number): Promise<void> {
    this.stmt(
        `INSERT INTO destinations (id, paused_until, paused_reason, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET paused_until = excluded.paused_until, paused_reason = excluded.paused_reason, updated_at = excluded.updated_at`,
      )
      .run(destinationId, pausedUntil, reason, now);
  }

  async prune(limits: PruneLimits): Promise<PruneResult> {
    this.forgetAllFeedStates(); // a feed whose items are all pruned has no history any more
    return this.db.transaction((): PruneResult => {
      const deliveries = this.stmt(
        `DELETE FROM deliveries WHERE state IN ('sent', 'rejected', 'skipped', 'deleted') AND updated_at < ?`,
      ).run(limits.deliveriesBefore).changes;
      const items = this.stmt(
        `DELETE FROM items WHERE left_at IS NOT NULL AND left_at < ?
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.feed_id = items.feed_id AND d.item_key = items.item_key)`,
      ).run(limits.itemsLeftBefore).changes;
      const sendLog = this.stmt("DELETE FROM send_log WHERE sent_at < ?").run(limits.sendLogBefore).changes;
      return { items, deliveries, sendLog };
    })();
  }

  async checkpoint(): Promise<void> {
    if (this.db.memory || this.db.readonly) return;
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.stmt("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row ? (row.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.stmt("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  async listSubscriptions(): Promise<WebSubSubscription[]> {
    return (this.stmt("SELECT * FROM websub_subscriptions ORDER BY feed_id").all() as Row[]).map(toSubscription);
  }

  async getSubscription(feedId: string): Promise<WebSubSubscription | null> {
    const row = this.stmt("SELECT * FROM websub_subscriptions WHERE feed_id = ?").get(feedId) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async getSubscriptionByCallback(callbackId: string): Promise<WebSubSubscription | null> {
    const row = this.stmt("SELECT * FROM websub_subscriptions WHERE callback_id = ?").get(callbackId) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async putSubscription(s: WebSubSubscription): Promise<void> {
    this.stmt(
      `INSERT INTO websub_subscriptions (feed_id, hub, topic, callback_id, state, lease_seconds, expires_at, requested_at, verified_at, last_push_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (feed_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, callback_id = excluded.callback_id,
         state = excluded.state, lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
         requested_at = excluded.requested_at, verified_at = excluded.verified_at, last_push_at = excluded.last_push_at,
         last_error = excluded.last_error`,
    ).run(s.feedId, s.hub, s.topic, s.callbackId, s.state, s.leaseSeconds, s.expiresAt, s.requestedAt, s.verifiedAt, s.lastPushAt, s.lastError);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

// A failure of the file itself (damaged, unreadable, read-only, a full disk) leaves every method
// as a StorageError naming the file, so that callers tell it from a failure of the feed or post at
// hand. Wrapped here once rather than in each method; errors of Crier's own pass unchanged.
const AsyncFunction = (async () => undefined).constructor;
for (const name of Object.getOwnPropertyNames(SqliteStore.prototype)) {
  const descriptor = Object.getOwnPropertyDescriptor(SqliteStore.prototype, name);
  const method: unknown = descriptor?.value;
  if (!(method instanceof AsyncFunction)) continue;
  const call = method as (this: SqliteStore, ...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(SqliteStore.prototype, name, {
    ...descriptor,
    value: async function (this: SqliteStore, ...args: unknown[]): Promise<unknown> {
      try {
        return await call.apply(this, args);
      } catch (err) {
        throw toStorageError(err, this.file) ?? err;
      }
    },
  });
}

/**
 * Runs `step`, again while SQLite answers SQLITE_BUSY at once (two connections upgrading their
 * locks on a new file at the same moment: SQLite fails one rather than deadlock, without waiting
 * the busy timeout), for up to 5 s.
 */
function whenNotBusy<T>(step: () => T): T {
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!String((err as { code?: unknown }).code).startsWith("SQLITE_BUSY") || Date.now() > until) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a synchronous 10 ms pause
    }
  }
}

/**
 * Brings the schema up to date; checkSchema has refused a newer or foreign file. The version is
 * read inside the write transaction: a second process opening the same new file at the same
 * moment (`crier run` and `crier deliveries`) waits for the first's migration, then finds it done.
 */
function migrate(db: Database.Database): void {
  const version = (): number => db.pragma("user_version", { simple: true }) as number;
  if (version() >= SQLITE_MIGRATIONS.length) return; // up to date: no write lock taken
  db.transaction(() => {
    for (let next = version() + 1; next <= SQLITE_MIGRATIONS.length; next++) {
      db.exec(SQLITE_MIGRATIONS[next - 1] ?? "");
      db.pragma(`user_version = ${next}`);
    }
  }).immediate();
}

function emptyFeedState(feedId: string, hasHistory: boolean): FeedState {
  return {
    feedId, etag: null, lastModified: null, bodyHash: null, hasHistory, heldAt: null, heldReason: null,
    acceptMode: null, lastError: null, errorStreak: 0, lastPolledAt: null, lastOkAt: null, nextPollAt: null, demotedAt: null,
    freshUntil: null, seededRoutes: new Set(),
  };
}

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
    remoteId: row.remote_id as string | null,
    remoteUrl: row.remote_url as string | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    sentAt: row.sent_at as number | null,
    title: (row.item_title as string) ?? "",
    link: (row.item_link as string | null) ?? null,
  };
}
