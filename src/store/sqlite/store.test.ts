/** SqliteStore on real files: upgrade from schema 1, batched poll records, item membership and retention, WebSub rows. */
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { scaled, untilClock } from "../../../test/support/timing.js";
import { statementsRun } from "../../../test/support/statements.js";
import { SqliteStore } from "./index.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import type { FeedItem } from "../../core/feed-item.js";
import type { PollPlan } from "../feeds.js";

const file = (): string => path.join(mkdtempSync(path.join(tmpdir(), "crier-store-")), "crier.db");
const DAY = 24 * 3_600_000;

function item(n: number): FeedItem {
  return {
    feedId: "news", guid: `g${n}`, link: `https://news.example.org/${n}`, title: `Story ${n}`, summary: "", author: null,
    categories: [], imageUrl: null, publishedAt: null,
  };
}

/** A full poll of the feed listing `listed`, where `fresh` are new, queued to `to` (pending) or seeded (skipped). */
function plan(now: number, listed: number[], fresh: number[], opts: { seed?: string; to?: string } = {}): PollPlan {
  const key = (n: number): string => `guid:g${n}`;
  return {
    feedId: "news",
    now,
    fetchMeta: { etag: '"e"', lastModified: null, bodyHash: "h", freshUntil: null },
    presentKeys: listed.map(key),
    newItems: fresh.map((n) => ({ item: item(n), key: key(n), normLink: `news.example.org/${n}`, position: 0, aliasOf: null })),
    deliveries: fresh.map((n) => ({
      destinationId: opts.to ?? opts.seed ?? "out", itemKey: key(n), normLink: `news.example.org/${n}`,
      state: opts.seed ? ("skipped" as const) : ("pending" as const), reason: opts.seed ? "first run" : null,
    })),
    seedRoutes: opts.seed ? [opts.seed] : [],
    hold: null,
    clearAccept: false,
  };
}

/** items.left_at by item number, read through another connection. */
function leftAt(f: string): Map<number, number | null> {
  const db = new Database(f, { readonly: true });
  try {
    const rows = db.prepare("SELECT item_key, left_at FROM items WHERE feed_id = 'news'").all() as Array<{ item_key: string; left_at: number | null }>;
    return new Map(rows.map((r) => [Number(r.item_key.slice("guid:g".length)), r.left_at]));
  } finally {
    db.close();
  }
}

describe("SqliteStore", () => {
  it("upgrades a schema-1 file in place, keeping what it knew (nothing becomes due)", async () => {
    const f = file();
    const v1 = new Database(f);
    v1.exec(SQLITE_MIGRATIONS[0] ?? "");
    v1.pragma("user_version = 1");
    v1.prepare("INSERT INTO feeds (id, etag, last_ok_at) VALUES ('news', '\"e\"', 5)").run();
    v1.prepare("INSERT INTO items (feed_id, item_key, title, first_seen_at, data) VALUES ('news', 'guid:g1', 'Story 1', 1, '{}')").run();
    v1.prepare("INSERT INTO routes (feed_id, destination_id, seeded_at) VALUES ('news', 'out', 1)").run();
    v1.prepare("INSERT INTO deliveries (feed_id, item_key, destination_id, state, created_at, updated_at) VALUES ('news', 'guid:g1', 'out', 'skipped', 1, 1)").run();
    v1.close();

    const store = new SqliteStore(f);
    expect(store.schemaVersion).toBe(SQLITE_MIGRATIONS.length);
    const state = await store.feeds.getFeedState("news");
    expect(state).toMatchObject({ etag: '"e"', hasHistory: true, freshUntil: null, lastOkAt: 5 });
    expect([...(state?.seededRoutes ?? [])]).toEqual(["out"]);
    expect(await store.deliveries.dueDeliveries(Date.now(), 10, ["out"])).toEqual([]);
    await store.close();
  });

  it("sizes SQLite's page cache from the config (2 MB unless told), read-only too", async () => {
    const f = file();
    const cacheOf = (store: SqliteStore): unknown => store.conn.db.pragma("cache_size", { simple: true });
    const byDefault = new SqliteStore(f);
    const tuned = new SqliteStore(f, { cacheMB: 16 });
    const reader = new SqliteStore(f, { readonly: true, cacheMB: 0.5 });
    expect([cacheOf(byDefault), cacheOf(tuned), cacheOf(reader)]).toEqual([-2048, -16384, -512]);
    for (const s of [byDefault, tuned, reader]) await s.close();
  });

  it("reads a file another process is creating this moment (no schema yet) as an empty delivery log", async () => {
    const f = file();
    // What a reader sees while `crier run` creates the file and has not committed its migration.
    const creating = new Database(f);
    creating.pragma("user_version = 0");
    creating.exec("BEGIN IMMEDIATE");
    const reader = new SqliteStore(f, { readonly: true });
    expect(await reader.deliveries.listDeliveries({ limit: 10 })).toEqual([]);
    expect(await reader.feeds.listFeeds()).toEqual([]);
    await reader.close();
    creating.exec("ROLLBACK");
    creating.close();
  });

  it("knows nothing of a new feed; one query gives history and seeded routes", async () => {
    const store = new SqliteStore(file());
    expect(await store.feeds.getFeedState("news")).toBeNull();
    await store.feeds.applyPlan(plan(1_000, [1, 2], [1, 2], { seed: "a" }));
    await store.feeds.applyPlan({ ...plan(1_000, [1, 2], [], {}), seedRoutes: ["b"] });
    const state = await store.feeds.getFeedState("news");
    expect(state?.hasHistory).toBe(true);
    expect([...(state?.seededRoutes ?? [])].sort()).toEqual(["a", "b"]);
    await store.close();
  });

  it("records not-modified polls in one batch: timestamps, freshness, and the failure streak cleared", async () => {
    const store = new SqliteStore(file());
    await store.feeds.recordFeedError("news", { message: "HTTP 500", now: 10, nextPollAt: 20, demote: false });
    await store.feeds.recordPolled([
      { feedId: "news", now: 30, freshUntil: 90 },
      { feedId: "other", now: 31, freshUntil: null },
    ]);
    expect(await store.feeds.getFeedState("news")).toMatchObject({ lastPolledAt: 30, lastOkAt: 30, errorStreak: 0, lastError: null, nextPollAt: null, freshUntil: 90 });
    expect(await store.feeds.getFeedState("other")).toMatchObject({ lastPolledAt: 31, freshUntil: null, hasHistory: false });
    // A server's Retry-After: deferred, with the message, not counted as a failure.
    await store.feeds.deferFeed("news", 500, "HTTP 429 from x; asked to come back in 1 s", 40);
    expect(await store.feeds.getFeedState("news")).toMatchObject({ freshUntil: 500, errorStreak: 0, lastError: "HTTP 429 from x; asked to come back in 1 s" });
    await store.close();
  });

  it("keeps feed states between polls: what it holds after each write equals the row read back", async () => {
    const f = file();
    const store = new SqliteStore(f, { pollTimesEveryMs: 0 });
    const readBack = async (id: string) => {
      const fresh = new SqliteStore(f, { readonly: true });
      try {
        return await fresh.feeds.getFeedState(id);
      } finally {
        await fresh.close();
      }
    };
    await store.feeds.applyPlan(plan(1_000, [1, 2], [1, 2], { seed: "a" }));
    await store.feeds.recordFeedError("other", { message: "HTTP 500", now: 5, nextPollAt: 50, demote: true });
    for (const id of ["news", "other"]) expect(await store.feeds.getFeedState(id)).toEqual(await readBack(id)); // both now cached
    const steps: Array<() => Promise<unknown>> = [
      () => store.feeds.recordPolled([{ feedId: "news", now: 2_000, freshUntil: 9_000 }, { feedId: "other", now: 2_001, freshUntil: null }]),
      () => store.feeds.recordFeedError("news", { message: "HTTP 502", now: 3_000, nextPollAt: 4_000, demote: false }),
      () => store.feeds.recordPolled([{ feedId: "news", now: 5_000, freshUntil: null }]),
      () => store.feeds.deferFeed("news", 8_000, "HTTP 429", 6_000),
      () => store.feeds.recordFeedError("other", { message: "HTTP 503", now: 6_500, nextPollAt: 60_000, demote: true }),
      () => store.feeds.resumeFeed("other"),
      () => store.feeds.applyPlan({ ...plan(7_000, [1, 2, 3], [3], { to: "a" }), seedRoutes: ["b"] }),
      () => store.feeds.recordPolled([{ feedId: "news", now: 9_000, freshUntil: 12_000 }, { feedId: "new-feed", now: 9_000, freshUntil: null }]),
    ];
    for (const step of steps) {
      await step();
      for (const id of ["news", "other", "new-feed"]) expect(await store.feeds.getFeedState(id)).toEqual(await readBack(id));
    }
    expect([...((await store.feeds.getFeedState("news"))?.seededRoutes ?? [])].sort()).toEqual(["a", "b"]);
    await store.close();
  });

  it("rewrites a healthy feed's row for an unchanged poll at most every pollTimesEveryMs, and at once for any other change", async () => {
    const f = file();
    const store = new SqliteStore(f, { pollTimesEveryMs: 60_000 });
    const stored = (): unknown => new Database(f, { readonly: true }).prepare("SELECT last_polled_at AS polled, fresh_until AS fresh, error_streak AS streak FROM feeds WHERE id = 'news'").get();
    await store.feeds.applyPlan(plan(1_000, [1], [1], { seed: "a" }));
    await store.feeds.getFeedState("news");
    await store.feeds.recordPolled([{ feedId: "news", now: 2_000, freshUntil: null }]);
    expect(stored()).toEqual({ polled: 1_000, fresh: null, streak: 0 }); // 1 s after the stored time: only the times would change
    expect(await store.feeds.getFeedState("news")).toMatchObject({ lastPolledAt: 2_000, lastOkAt: 2_000 }); // in memory: current
    await store.feeds.recordPolled([{ feedId: "news", now: 61_000, freshUntil: null }]);
    expect(stored()).toEqual({ polled: 61_000, fresh: null, streak: 0 }); // 60 s since the stored time
    await store.feeds.recordPolled([{ feedId: "news", now: 62_000, freshUntil: 99_000 }]);
    expect(stored()).toEqual({ polled: 62_000, fresh: 99_000, streak: 0 }); // freshness changed: written at once
    await store.feeds.recordFeedError("news", { message: "HTTP 500", now: 63_000, nextPollAt: 64_000, demote: false });
    await store.feeds.getFeedState("news");
    await store.feeds.recordPolled([{ feedId: "news", now: 64_000, freshUntil: null }]);
    expect(stored()).toEqual({ polled: 64_000, fresh: null, streak: 0 }); // the failure streak cleared: written at once
    await store.close();
  });

  it("by default, a healthy feed polled every 10 minutes (304 each time) has its row rewritten once an hour, not on every poll", async () => {
    const f = file();
    const store = new SqliteStore(f);
    const polledAt = (): unknown => {
      const db = new Database(f, { readonly: true });
      try {
        return db.prepare("SELECT last_polled_at FROM feeds WHERE id = 'news'").pluck().get();
      } finally {
        db.close();
      }
    };
    const t0 = 1_000_000;
    await store.feeds.applyPlan(plan(t0, [1], [1], { seed: "a" }));
    await store.feeds.getFeedState("news");
    const stored: unknown[] = [];
    for (let k = 1; k <= 7; k++) {
      await store.feeds.recordPolled([{ feedId: "news", now: t0 + k * 10 * 60_000 + 500, freshUntil: null }]);
      stored.push(polledAt());
    }
    // Six polls 10 min (and a little) apart change nothing but the poll times: the row keeps t0 until an hour has passed.
    expect(stored).toEqual([t0, t0, t0, t0, t0, t0 + 6 * 10 * 60_000 + 500, t0 + 6 * 10 * 60_000 + 500]);
    expect(await store.feeds.getFeedState("news")).toMatchObject({ lastPolledAt: t0 + 7 * 10 * 60_000 + 500 }); // in memory: current
    await store.close();
  });

  it("sees another process's change to a feed it holds (PRAGMA data_version), e.g. `crier feed resume`", async () => {
    const f = file();
    const store = new SqliteStore(f, { recheckOthersMs: 0 });
    await store.feeds.recordFeedError("news", { message: "HTTP 500", now: 10, nextPollAt: 99_000, demote: true });
    expect(await store.feeds.getFeedState("news")).toMatchObject({ nextPollAt: 99_000, errorStreak: 1 });
    const cli = new SqliteStore(f);
    await cli.feeds.resumeFeed("news");
    await cli.close();
    expect(await store.feeds.getFeedState("news")).toMatchObject({ nextPollAt: null, errorStreak: 0, demotedAt: null });
    // A raw write by another connection counts as well.
    const other = new Database(f);
    other.prepare("UPDATE feeds SET held_at = 5, held_reason = 'flood' WHERE id = 'news'").run();
    other.close();
    expect(await store.feeds.getFeedState("news")).toMatchObject({ heldAt: 5, heldReason: "flood" });
    await store.close();
  });

  it("looks for other connections' commits at most every recheckOthersMs", async () => {
    const f = file();
    // Long enough (scaled) that the other connection's write below surely lands within it.
    const interval = scaled(500);
    const store = new SqliteStore(f, { recheckOthersMs: interval });
    await store.feeds.recordFeedError("news", { message: "HTTP 500", now: 10, nextPollAt: 99_000, demote: false });
    expect(await store.feeds.getFeedState("news")).toMatchObject({ errorStreak: 1 });
    const lookedAt = Date.now(); // the store looked at data_version by now
    const cli = new SqliteStore(f);
    await cli.feeds.resumeFeed("news");
    await cli.close();
    expect(await store.feeds.getFeedState("news")).toMatchObject({ errorStreak: 1 }); // within the interval: cached
    await untilClock(lookedAt + interval + 1);
    expect(await store.feeds.getFeedState("news")).toMatchObject({ errorStreak: 0, nextPollAt: null });
    await store.close();
  });

  it("prunes only items that left their feed long enough ago and have no delivery rows, and only finished deliveries", async () => {
    const f = file();
    const store = new SqliteStore(f);
    const t0 = 100 * DAY;
    await store.feeds.applyPlan(plan(t0, [1, 2, 3], [1, 2, 3], { seed: "out" })); // seeded: skipped rows
    await store.feeds.applyPlan(plan(t0 + DAY, [2, 3, 4], [4])); // 1 left the feed; 4 is new and pending
    await store.feeds.applyPlan(plan(t0 + 2 * DAY, [1, 3, 4], [])); // 1 is back, 2 left
    await store.feeds.applyPlan(plan(t0 + 3 * DAY, [3, 4], [])); // 1 left again (since t0+3d), 2 still gone (since t0+2d)

    const now = t0 + 40 * DAY;
    const pruned = await store.prune({ now, itemsLeftBefore: now - 30 * DAY, deliveriesBefore: now - 30 * DAY, sendLogBefore: now - DAY });
    // Deliveries: the three skipped seed rows are finished and old; item 4's pending row is not finished.
    expect(pruned.deliveries).toBe(3);
    // Items: 1 and 2 left more than 30 days ago and have no rows left; 3 and 4 are listed (4 also has a pending row).
    expect(pruned.items).toBe(2);
    const known = await store.feeds.getKnown("news", ["guid:g1", "guid:g2", "guid:g3", "guid:g4"], []);
    expect([...known.keys].sort()).toEqual(["guid:g3", "guid:g4"]);
    expect((await store.deliveries.dueDeliveries(now, 10, ["out"])).map((d) => d.record.itemKey)).toEqual(["guid:g4"]);

    // The WAL is folded back into the file.
    await store.checkpoint();
    expect(existsSync(`${f}-wal`) ? statSync(`${f}-wal`).size : 0).toBe(0);
    await store.close();
  });

  it("a full fetch listing the items the last one listed runs no statement on items (also after a restart); other key sets and pushes keep left_at right", async () => {
    const f = file();
    const all = Array.from({ length: 50 }, (_, k) => k + 1);
    let store = new SqliteStore(f);
    await store.feeds.applyPlan(plan(DAY, all, all, { seed: "out" }));
    await store.close();
    store = new SqliteStore(f); // the recorded key set is in the file, not only in memory
    const same = await statementsRun(store.feeds.conn.db, () => store.feeds.applyPlan(plan(2 * DAY, [...all].reverse(), [])));
    expect(same.filter((sql) => /\bitems\b/.test(sql))).toEqual([]);
    expect((await store.feeds.listFeeds())[0]).toMatchObject({ lastPolledAt: 2 * DAY });

    // Item 1 leaves: the presence update runs.
    await store.feeds.applyPlan(plan(3 * DAY, all.slice(1), []));
    expect(leftAt(f).get(1)).toBe(3 * DAY);
    // A hub pushes item 51 (partial content), then a full fetch lists the same items as the last one: 51 has left.
    await store.feeds.applyPlan({ ...plan(4 * DAY, [51], [51]), presentKeys: null, fetchMeta: null });
    await store.feeds.applyPlan(plan(5 * DAY, all.slice(1), []));
    expect(leftAt(f).get(51)).toBe(5 * DAY);
    // Item 1 comes back, then leaves again with the same key set as before: each time recorded.
    await store.feeds.applyPlan(plan(6 * DAY, all, []));
    expect(leftAt(f).get(1)).toBe(null);
    await store.feeds.applyPlan(plan(7 * DAY, all.slice(1), []));
    expect(leftAt(f).get(1)).toBe(7 * DAY);
    expect(leftAt(f).get(51)).toBe(5 * DAY);
    expect([...leftAt(f).values()].filter((t) => t === null)).toHaveLength(49);
    await store.close();
  });

  it("answers which of a document's keys and links are known in one statement (a shared link: the first item recorded with it)", async () => {
    const f = file();
    const store = new SqliteStore(f);
    const all = Array.from({ length: 50 }, (_, k) => k + 1);
    const first = plan(DAY, all, all, { seed: "out" });
    // An alias: a new guid for item 1's link, recorded after item 1.
    first.newItems.push({ item: { ...item(1), guid: "g1b" }, key: "guid:g1b", normLink: "news.example.org/1", position: 0, aliasOf: "guid:g1" });
    await store.feeds.applyPlan(first);
    const keys = [...all, 60].map((n) => `guid:g${n}`);
    const links = [...all, 60].map((n) => `news.example.org/${n}`);
    let known: Awaited<ReturnType<typeof store.feeds.getKnown>> | undefined;
    const run = await statementsRun(store.feeds.conn.db, async () => (known = await store.feeds.getKnown("news", keys, links)));
    expect(run).toHaveLength(1);
    expect([...(known?.keys ?? [])].sort()).toEqual(all.map((n) => `guid:g${n}`).sort());
    expect(known?.links.size).toBe(50);
    expect(known?.links.get("news.example.org/1")).toBe("guid:g1");
    expect(known?.links.get("news.example.org/50")).toBe("guid:g50");
    expect(known?.links.has("news.example.org/60")).toBe(false);
    // Another feed's items are not this feed's.
    expect((await store.feeds.getKnown("other", keys, links)).keys.size).toBe(0);
    await store.close();
  });

  it("does not mark items as left from partial content (a push of new entries only)", async () => {
    const store = new SqliteStore(file());
    await store.feeds.applyPlan(plan(DAY, [1, 2], [1, 2], { seed: "out" }));
    await store.feeds.applyPlan({ ...plan(2 * DAY, [3], [3]), presentKeys: null });
    const now = 100 * DAY;
    const pruned = await store.prune({ now, itemsLeftBefore: now, deliveriesBefore: 0, sendLogBefore: 0 });
    expect(pruned.items).toBe(0);
    await store.close();
  });

  it("keeps WebSub subscriptions by feed and by callback, without any secret", async () => {
    const f = file();
    const store = new SqliteStore(f);
    const sub = {
      feedId: "news", hub: "https://hub.example/", topic: "https://news.example.org/feed/", callbackId: "cb1", state: "requested" as const,
      leaseSeconds: null, expiresAt: null, requestedAt: 5, verifiedAt: null, lastPushAt: null, lastError: null,
    };
    await store.subscriptions.putSubscription(sub);
    await store.subscriptions.putSubscription({ ...sub, state: "active", leaseSeconds: 60, expiresAt: 65_005, verifiedAt: 5 });
    expect(await store.subscriptions.getSubscriptionByCallback("cb1")).toMatchObject({ feedId: "news", state: "active", expiresAt: 65_005 });
    expect(await store.subscriptions.listSubscriptions()).toHaveLength(1);
    const columns = (new Database(f, { readonly: true }).prepare("PRAGMA table_info(websub_subscriptions)").all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns.some((c) => /secret/i.test(c))).toBe(false);
    // Unsubscribing keeps the row (hub and topic known for later), in its own state.
    await store.subscriptions.putSubscription({ ...sub, state: "unsubscribed" });
    expect(await store.subscriptions.getSubscription("news")).toMatchObject({ state: "unsubscribed", hub: sub.hub, topic: sub.topic });
    await store.close();
  });

  it("keeps a destination's state whole: written as one object, read back as written", async () => {
    const f = file();
    const store = new SqliteStore(f);
    expect(await store.destinations.getDestinationStates()).toEqual([]);
    const paused = { destinationId: "tg", pausedUntil: null, pausedReason: "credentials refused", consecutiveRejections: 2 };
    await store.destinations.putDestinationState(paused, 5);
    await store.destinations.putDestinationState({ destinationId: "x", pausedUntil: 90, pausedReason: "rate limited", consecutiveRejections: 0 }, 5);
    await store.destinations.putDestinationState({ ...paused, pausedReason: null, consecutiveRejections: 0 }, 6);
    await store.close();
    const reader = new SqliteStore(f, { readonly: true });
    expect(await reader.destinations.getDestinationStates()).toEqual([
      { destinationId: "tg", pausedUntil: null, pausedReason: null, consecutiveRejections: 0 },
      { destinationId: "x", pausedUntil: 90, pausedReason: "rate limited", consecutiveRejections: 0 },
    ]);
    await reader.close();
  });

  it("gives a feed's newest recorded items, newest first, without aliases (what preview shows)", async () => {
    const store = new SqliteStore(file());
    const dated = (n: number, day: number | null): FeedItem => ({ ...item(n), publishedAt: day === null ? null : new Date(day * DAY).toISOString() });
    // One poll: three undated items in the feed's order (newest first), one dated long ago.
    const first = plan(DAY, [1, 2, 3, 4], [1, 2, 3, 4], { seed: "out" });
    first.newItems = first.newItems.map((n, k) => ({ ...n, item: dated(k + 1, k === 3 ? 0.5 : null) }));
    await store.feeds.applyPlan(first);
    // A later poll: a new undated item, and an alias (a new guid for a known link) that is never shown.
    const second = plan(2 * DAY, [5, 1, 2, 3, 4], [5]);
    second.newItems.push({ item: item(6), key: "guid:g6", normLink: "news.example.org/1", position: 1, aliasOf: "guid:g1" });
    await store.feeds.applyPlan(second);
    expect((await store.feeds.recentItems("news", 4)).map((i) => i.title)).toEqual(["Story 5", "Story 1", "Story 2", "Story 3"]);
    expect(await store.feeds.recentItems("other", 4)).toEqual([]);
    await store.close();
  });
});
