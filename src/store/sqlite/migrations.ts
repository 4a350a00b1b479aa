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
  // 2: feed-server freshness, item membership for pruning, due-row index, WebSub subscriptions
  `
  -- No request before this time: the server's Cache-Control max-age, or its Retry-After on 429/503.
  ALTER TABLE feeds ADD COLUMN fresh_until INTEGER;
  -- When a full fetch of the feed no longer listed the item (NULL: still listed). Pruning keys on it.
  ALTER TABLE items ADD COLUMN left_at INTEGER;
  CREATE INDEX items_left ON items (left_at) WHERE left_at IS NOT NULL;
  -- Due rows are few among many finished ones: look them up directly.
  CREATE INDEX deliveries_due_by_destination ON deliveries (destination_id, next_attempt_at)
    WHERE state IN ('pending', 'failed');
  CREATE INDEX deliveries_finished ON deliveries (updated_at)
    WHERE state IN ('sent', 'rejected', 'skipped', 'deleted');
  CREATE INDEX send_log_by_time ON send_log (sent_at);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  -- One WebSub subscription per feed. The HMAC secret is derived from the configured master
  -- key and callback_id, never stored.
  CREATE TABLE websub_subscriptions (
    feed_id TEXT PRIMARY KEY,
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    callback_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('requested', 'active', 'denied', 'unsubscribing', 'unsubscribed', 'failed')),
    lease_seconds INTEGER,
    expires_at INTEGER,
    requested_at INTEGER NOT NULL,
    verified_at INTEGER,
    last_push_at INTEGER,
    last_error TEXT
  );
  `,
  // 3: image attempts per delivery (the post goes without its image after a few failed uploads)
  `
  -- Failed attempts at attaching the article's image; set image_dropped: sends go without the image, and why.
  ALTER TABLE deliveries ADD COLUMN image_failures INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE deliveries ADD COLUMN image_dropped TEXT;
  `,
  // 4: ownership: the lease one process holds on the store, the owner of each row in 'sending',
  //    operator requests handed to the holder
  `
  -- Times from the database's clock (epoch ms). One row per name: 'database' today.
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    owner_info TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    renewed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  -- The lease owner that moved the row to 'sending' (set in the same fenced statement).
  ALTER TABLE deliveries ADD COLUMN owner TEXT;
  CREATE TABLE operator_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL,
    args TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    taken_at INTEGER,
    taken_by TEXT,
    done_at INTEGER,
    result TEXT,
    error TEXT
  );
  CREATE INDEX operator_requests_waiting ON operator_requests (id) WHERE taken_at IS NULL;
  `,
  // 5: per-delivery checkpoints (what a two-step send saved, handed back on a retry or after a crash)
  `
  -- Opaque, at most 1,024 characters, never a secret: e.g. the id of a media container made before publishing.
  ALTER TABLE deliveries ADD COLUMN checkpoint TEXT;
  `,
  // 6: the key set a feed's last full fetch listed (a digest), so that a poll listing the same items skips the presence update
  `
  -- SHA-256 of the sorted keys, written with items.left_at; NULL: unknown (never recorded, or items pushed since).
  ALTER TABLE feeds ADD COLUMN keys_digest TEXT;
  `,
  // 7: the send log names its delivery, so that an attempt that provably never reached the platform stops counting
  `
  -- NULL for entries written before; only entries with an id can be taken back.
  ALTER TABLE send_log ADD COLUMN delivery_id INTEGER;
  `,
];
