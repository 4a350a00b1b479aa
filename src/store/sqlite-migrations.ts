/**
 * SQLite schema, one entry per version (PRAGMA user_version). Never edit a shipped entry:
 * append a new one. Times are epoch milliseconds.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    held_at INTEGER,
    held_reason TEXT,
    accept_mode TEXT CHECK (accept_mode IN ('record', 'post')),
    last_error TEXT,
    error_streak INTEGER NOT NULL DEFAULT 0,
    last_polled_at INTEGER,
    last_ok_at INTEGER,
    next_poll_at INTEGER,
    demoted_at INTEGER
  );
  CREATE TABLE items (
    feed_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    guid TEXT,
    link TEXT,
    norm_link TEXT,
    alias_of TEXT,
    title TEXT NOT NULL,
    published_at INTEGER,
    first_seen_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (feed_id, item_key)
  );
  CREATE INDEX items_by_link ON items (feed_id, norm_link);
  CREATE TABLE routes (
    feed_id TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    seeded_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, destination_id)
  );
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    norm_link TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','rejected','uncertain','skipped','deleted')),
    reason TEXT,
    error_kind TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_attempt_at INTEGER,
    remote_id TEXT,
    remote_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (feed_id, item_key, destination_id),
    FOREIGN KEY (feed_id, item_key) REFERENCES items (feed_id, item_key)
  );
  -- A destination receives one article link at most once, whichever feed it came from.
  CREATE UNIQUE INDEX deliveries_one_link_per_destination
    ON deliveries (destination_id, norm_link)
    WHERE norm_link IS NOT NULL AND state NOT IN ('skipped', 'rejected', 'deleted');
  CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
  -- Rate budgets are counted from the records themselves, so they hold across restarts.
  CREATE INDEX deliveries_attempts ON deliveries (destination_id, last_attempt_at);
  CREATE TABLE destinations (
    id TEXT PRIMARY KEY,
    paused_until INTEGER,
    paused_reason TEXT,
    consecutive_rejections INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  -- One row per send that left (each move to 'sending'): posting budgets count these.
  CREATE TABLE send_log (
    destination_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL
  );
  CREATE INDEX send_log_by_destination ON send_log (destination_id, sent_at);
  -- Last time each alert key was sent, for throttling across restarts.
  CREATE TABLE alerts (
    alert_key TEXT PRIMARY KEY,
    last_sent_at INTEGER NOT NULL,
    suppressed INTEGER NOT NULL DEFAULT 0
  );
  `,
];
