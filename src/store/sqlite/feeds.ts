/** FeedStore on SQLite: feed states (cached between polls), items, and a poll's plan in one transaction. */
import type { FeedItem } from "../../core/feed-item.js";
import { keysDigest, type ApplyResult, type FeedErrorUpdate, type FeedState, type FeedStatus, type FeedStore, type KnownItems, type PollPlan, type PolledFeed, type PollState } from "../feeds.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";
import { toStorageError } from "./check.js";
import { FeedStateCache } from "./feed-state-cache.js";

/** Default of `pollTimesEveryMs`. */
export const POLL_TIMES_EVERY_MS = 60 * 60_000;

export interface SqliteFeedStoreOptions {
  /**
   * How long cached feed states are trusted before looking for other connections' commits again
   * (ms, default 1000): the look itself costs about as much as reading a row.
   */
  recheckOthersMs?: number;
  /**
   * A poll that changes nothing but a feed's poll times (a 304 on a healthy feed) rewrites its row
   * at most this often (ms, default 1 hour); the times held in memory are always current. Longer
   * than common schedules: a feed polled every 10 minutes against a 10-minute bound rewrote its row
   * on every poll (~20 µs of CPU a poll at 100,000 feeds, the page writes).
   */
  pollTimesEveryMs?: number;
}

export class SqliteFeedStore implements FeedStore {
  /**
   * Feed states as this connection last read or wrote them: a poll cycle of thousands of
   * unchanged feeds reads no row (~10 µs each). Writes here update or forget their feed's entry.
   * A commit by any other connection (`crier feed resume` in another process) changes PRAGMA
   * data_version, looked at most every `recheckOthersMs`; then every entry is forgotten. It also
   * holds last_polled_at as stored: 10,000 unchanged feeds every few minutes would otherwise
   * rewrite every page of the feeds table each cycle, for two timestamps.
   */
  private readonly feedStates = new FeedStateCache();
  private readonly seededSets = new Map<string, ReadonlySet<string>>();
  private readonly pollTimesEveryMs: number;
  private readonly recheckOthersMs: number;
  private feedStatesVersion: unknown = null;
  private feedStatesCheckedAt = -Infinity;

  constructor(
    readonly conn: SqliteConnection,
    opts: SqliteFeedStoreOptions = {},
  ) {
    this.recheckOthersMs = opts.recheckOthersMs ?? 1000;
    this.pollTimesEveryMs = opts.pollTimesEveryMs ?? POLL_TIMES_EVERY_MS;
  }

  private feedStateCache(): FeedStateCache {
    // A monotonic clock without `performance`, whose first use loads perf_hooks (~2 ms of CPU).
    const now = process.uptime() * 1000;
    if (now - this.feedStatesCheckedAt < this.recheckOthersMs) return this.feedStates;
    this.feedStatesCheckedAt = now;
    const version = this.conn.stmt("PRAGMA data_version").pluck().get();
    if (version !== this.feedStatesVersion) {
      this.forgetAll();
      this.feedStatesVersion = version;
    }
    return this.feedStates;
  }

  cachedFeedState(feedId: string): PollState | null | undefined {
    // Not async, so guardStorageErrors leaves it alone: the cache's data_version check may fail.
    try {
      return this.feedStateCache().get(feedId, false);
    } catch (err) {
      throw toStorageError(err, this.conn.file) ?? err;
    }
  }

  async getFeedState(feedId: string): Promise<FeedState | null> {
    const cache = this.feedStateCache();
    const cached = cache.get(feedId);
    if (cached !== undefined) return cached;
    const state = this.readFeedState(feedId);
    cache.set(feedId, state);
    return state;
  }

  private readFeedState(feedId: string): FeedState | null {
    // One statement for everything a poll needs to know first.
    const row = this.conn.stmt(
      `SELECT f.*, EXISTS (SELECT 1 FROM items WHERE feed_id = q.id) AS has_history,
         (SELECT group_concat(destination_id, char(31)) FROM routes WHERE feed_id = q.id) AS seeded
       FROM (SELECT ? AS id) q LEFT JOIN feeds f ON f.id = q.id`,
    ).get(feedId) as Row;
    const hasHistory = row.has_history === 1;
    const seededRoutes = this.seededSet((row.seeded as string | null) ?? "");
    if (row.id === null) return hasHistory || seededRoutes.size ? { ...emptyFeedState(feedId, hasHistory), seededRoutes } : null;
    return {
      feedId,
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
      etag: row.etag as string | null,
      lastModified: row.last_modified as string | null,
      bodyHash: row.body_hash as string | null,
      hasHistory,
      seededRoutes,
      keysDigest: row.keys_digest as string | null,
    };
  }

  async recordPolled(polls: readonly PolledFeed[]): Promise<void> {
    if (!polls.length) return;
    const upsert = this.conn.stmt(
      `INSERT INTO feeds (id, last_polled_at, last_ok_at, error_streak, fresh_until) VALUES (?, ?, ?, 0, ?)
       ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at, last_ok_at = excluded.last_ok_at,
         last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL, fresh_until = excluded.fresh_until`,
    );
    // A healthy feed's row is rewritten only every pollTimesEveryMs; the cache holds the times.
    const write = polls.map((p) => !this.feedStates.onlyPollTimesChange(p.feedId, p.now, p.freshUntil, this.pollTimesEveryMs));
    try {
      this.conn.db.transaction(() => {
        polls.forEach((p, i) => write[i] && upsert.run(p.feedId, p.now, p.now, p.freshUntil));
      })();
    } catch (err) {
      for (const p of polls) this.forget(p.feedId);
      throw err;
    }
    // The same columns as the upsert above (a test compares the cache with the row read back).
    polls.forEach((p, i) => this.feedStates.polled(p.feedId, p.now, p.freshUntil, write[i] ?? true) || this.forget(p.feedId));
  }

  /**
   * One shared set (read-only to every reader: ReadonlySet) per distinct list of seeded routes: 10,000 feeds routed to the same
   * destinations hold one set between them, not 10,000 sets of copied ids. Bounded by the distinct
   * lists (cleared with the cache).
   */
  private seededSet(seeded: string): ReadonlySet<string> {
    let set = this.seededSets.get(seeded);
    if (!set) {
      set = new Set(seeded ? seeded.split("\u001f") : []);
      this.seededSets.set(seeded, set);
    }
    return set;
  }

  private forget(feedId: string): void {
    this.feedStates.forget(feedId);
  }

  /** Forgets every cached state (retention may have removed a feed's last items). */
  forgetAll(): void {
    this.feedStates.clear();
    this.seededSets.clear();
  }

  async deferFeed(feedId: string, until: number, message: string, now: number): Promise<void> {
    this.forget(feedId);
    this.conn.stmt(
      `INSERT INTO feeds (id, last_polled_at, last_error, fresh_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_polled_at = excluded.last_polled_at, last_error = excluded.last_error, fresh_until = excluded.fresh_until`,
    ).run(feedId, now, message, until);
  }

  async recordFeedError(feedId: string, u: FeedErrorUpdate): Promise<number> {
    this.forget(feedId);
    const row = this.conn.stmt(
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
    this.forget(feedId);
    this.conn.stmt("UPDATE feeds SET error_streak = 0, next_poll_at = NULL, demoted_at = NULL WHERE id = ?").run(feedId);
  }

  /**
   * One statement for a whole document (a lookup per item was most of a changed feed's store time):
   * the keys and links go as JSON parameters, each probing the primary key or items_by_link. A
   * link shared by several items answers with the first recorded (LIMIT 1 in index order: lowest rowid).
   * (Measured: this shape ~0.1 ms for 50 keys and links; `IN (SELECT ... json_each)` in a UNION, ~0.4.)
   */
  async getKnown(feedId: string, keys: readonly string[], links: readonly string[]): Promise<KnownItems> {
    const known = { keys: new Set<string>(), links: new Map<string, string>() };
    if (!keys.length && !links.length) return known;
    const rows = this.conn.stmt(
      `SELECT NULL, i.item_key FROM json_each(@keys) j CROSS JOIN items i ON i.feed_id = @feedId AND i.item_key = j.value
       UNION ALL
       SELECT j.value, (SELECT item_key FROM items WHERE feed_id = @feedId AND norm_link = j.value LIMIT 1) AS owner
       FROM json_each(@links) j WHERE owner IS NOT NULL`,
    ).raw().all({ feedId, keys: JSON.stringify(keys), links: JSON.stringify(links) }) as Array<[string | null, string]>;
    for (const [link, key] of rows) {
      if (link === null) known.keys.add(key);
      else known.links.set(link, key);
    }
    return known;
  }

  async applyPlan(plan: PollPlan): Promise<ApplyResult> {
    this.forget(plan.feedId);
    return this.conn.db.transaction((): ApplyResult => {
      const { feedId, now } = plan;
      this.conn.stmt("INSERT INTO feeds (id) VALUES (?) ON CONFLICT (id) DO NOTHING").run(feedId);
      const meta = plan.fetchMeta;
      // Content a hub pushed (no fetchMeta) is not a poll: the feed's poll times, validators and
      // freshness stay as they are, so the safety-net poll still comes when it is due.
      // keys_digest as stored, read by the same statement (RETURNING gives the row after the update,
      // which leaves that column alone).
      let storedDigest: string | null = null;
      if (meta) {
        storedDigest = this.conn.stmt(
          `UPDATE feeds SET last_polled_at = ?, last_ok_at = ?, last_error = NULL, error_streak = 0, next_poll_at = NULL, demoted_at = NULL,
             etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), body_hash = COALESCE(?, body_hash),
             fresh_until = ?
           WHERE id = ? RETURNING keys_digest`,
        ).pluck().get(now, now, meta.etag, meta.lastModified, meta.bodyHash, meta.freshUntil, feedId) as string | null;
      } else if (plan.presentKeys) {
        storedDigest = this.conn.stmt("SELECT keys_digest FROM feeds WHERE id = ?").pluck().get(feedId) as string | null;
      }
      if (plan.hold) {
        // A held poll must be seen again: forget the body hash and validators so it is re-parsed.
        this.conn.stmt("UPDATE feeds SET held_at = COALESCE(held_at, ?), held_reason = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ?")
          .run(now, plan.hold, feedId);
        return { queued: 0, skipped: 0 };
      }
      this.conn.stmt(`UPDATE feeds SET held_at = NULL, held_reason = NULL${plan.clearAccept ? ", accept_mode = NULL" : ""} WHERE id = ?`)
        .run(feedId);
      const insertItem = this.conn.stmt(
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
      const insertDelivery = this.conn.stmt(
        `INSERT INTO deliveries (feed_id, item_key, destination_id, norm_link, state, reason, created_at, updated_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, item_key, destination_id) DO NOTHING`,
      );
      const linkOwner = this.conn.stmt(
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
      if (plan.presentKeys) {
        // The same keys as the last full fetch recorded, and no item added: every row's left_at is
        // already what markPresence would write (only it and item inserts change presence).
        const digest = keysDigest(plan.presentKeys);
        if (plan.newItems.length || digest !== storedDigest) {
          this.markPresence(feedId, plan.presentKeys, now);
          this.conn.stmt("UPDATE feeds SET keys_digest = ? WHERE id = ?").run(digest, feedId);
        }
      } else if (plan.newItems.length) {
        // Pushed entries are not in the recorded key set: the next full fetch must decide their presence.
        this.conn.stmt("UPDATE feeds SET keys_digest = NULL WHERE id = ? AND keys_digest IS NOT NULL").run(feedId);
      }
      const seed = this.conn.stmt("INSERT INTO routes (feed_id, destination_id, seeded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
      for (const destinationId of plan.seedRoutes) seed.run(feedId, destinationId, now);
      return result;
    })();
  }

  /**
   * Items of the feed missing from a full fetch have left it (since now); listed ones are back.
   * The key list goes as one JSON parameter (json_each), so the statement is compiled once
   * whatever the feed's length; PostgreSQL's port is one array parameter (`<> ALL($1)`, `= ANY($1)`).
   */
  private markPresence(feedId: string, presentKeys: readonly string[], now: number): void {
    const listed = JSON.stringify(presentKeys);
    this.conn.stmt(
      `UPDATE items SET left_at = ? WHERE feed_id = ? AND left_at IS NULL AND item_key NOT IN (SELECT value FROM json_each(?))`,
    ).run(now, feedId, listed);
    this.conn.stmt(`UPDATE items SET left_at = NULL WHERE feed_id = ? AND left_at IS NOT NULL AND item_key IN (SELECT value FROM json_each(?))`).run(feedId, listed);
  }

  async acceptFeed(feedId: string, mode: "record" | "post"): Promise<boolean> {
    this.forget(feedId);
    const info = this.conn.stmt("UPDATE feeds SET accept_mode = ?, etag = NULL, last_modified = NULL, body_hash = NULL WHERE id = ? AND held_at IS NOT NULL").run(mode, feedId);
    return info.changes > 0;
  }

  async listFeeds(): Promise<readonly FeedStatus[]> {
    const rows = this.conn.stmt("SELECT * FROM feeds ORDER BY id").all() as Row[];
    return rows.map((row) => feedStatusFrom(row, row.id as string));
  }

  async recentItems(feedId: string, limit: number): Promise<readonly FeedItem[]> {
    // Newest by date (an undated item: when it was first seen); items of one poll are inserted in
    // the feed's order, so rowid keeps that order among equals (PostgreSQL: an identity column).
    const rows = this.conn.stmt(
      `SELECT data FROM items WHERE feed_id = ? AND alias_of IS NULL
       ORDER BY COALESCE(published_at, first_seen_at) DESC, rowid ASC LIMIT ?`,
    ).pluck().all(feedId, limit) as string[];
    return rows.map((data) => JSON.parse(data) as FeedItem);
  }
}
guardStorageErrors(SqliteFeedStore);

/** A feeds row's health columns (shared by the poll's feed state and `crier feed list`). */
function feedStatusFrom(row: Row, feedId: string): FeedStatus {
  return {
    feedId,
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
  };
}

function emptyFeedState(feedId: string, hasHistory: boolean): FeedState {
  return {
    feedId, etag: null, lastModified: null, bodyHash: null, hasHistory, heldAt: null, heldReason: null,
    acceptMode: null, lastError: null, errorStreak: 0, lastPolledAt: null, lastOkAt: null, nextPollAt: null, demotedAt: null,
    freshUntil: null, seededRoutes: new Set(), keysDigest: null,
  };
}
