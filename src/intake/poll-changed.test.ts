/**
 * A changed body on a real store (a feed file, SQLite in memory): when every item is known, the
 * identity scan decides and the full parse never runs; a new item is read in full, the known ones
 * from their cheap fields only; on doubt (an item without a link) the full parse decides.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { consoleAdapter } from "../../adapters/console/index.js";
import { parseConfig } from "../config/load.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { FeedIntake } from "../services/intake.js";
import { buildRss, newsItems, type TestItem } from "../../test/support/rss.js";
import { statementsRun } from "../../test/support/statements.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-changed-"));
  const file = path.join(dir, "feed.xml");
  const store = new SqliteStore(path.join(dir, "crier.db"));
  const config = parseConfig(
    ["feeds:", `  - { id: news, url: "${file}", backlog: 0 }`, "destinations:", "  - { id: out, platform: console }", "routes:", "  - { feed: news, to: [out] }", ""].join("\n"),
    path.join(dir, "crier.yaml"),
    { env: {}, adapters: new Map([["console", consoleAdapter]]) },
  );
  const intake = new FeedIntake({
    config, store: store.feeds, logger: pino({ level: "silent" }), now: Date.now, scrub: (t) => t, alert: async () => undefined, dryRun: false, stopping: new AbortController().signal,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close(), () => intake.close());
  const write = (items: readonly TestItem[], build = "Mon, 07 Dec 2026 00:00:00 GMT"): void =>
    writeFileSync(file, buildRss(items).replace("<channel>", `<channel><lastBuildDate>${build}</lastBuildDate>`));
  const poll = async () => (await intake.pollFeeds(["news"])).reports[0];
  return { store, write, poll };
}

describe("a changed feed body", () => {
  it("with no new item: the identity scan keeps every item, posts nothing, and remembers the body", async () => {
    const { write, poll } = setup();
    write(newsItems(3));
    expect(await poll()).toMatchObject({ status: "parsed", items: 3, new: 3, queued: 0 }); // first run: seeded
    write(newsItems(3), "Mon, 07 Dec 2026 00:10:00 GMT"); // only lastBuildDate changed, as WordPress does
    expect(await poll()).toMatchObject({ status: "parsed", via: "scan", items: 3, new: 0, queued: 0, skipped: 0 });
    // The new body's hash was recorded: the same body again is not even scanned.
    expect(await poll()).toMatchObject({ status: "not-modified", via: "same-body" });
  });

  it("with no new item, of 50: the items table is read once (the feed's state) and not written (was 103 statements)", async () => {
    const { write, poll, store } = setup();
    write(newsItems(50));
    expect(await poll()).toMatchObject({ status: "parsed", items: 50, new: 50 });
    write(newsItems(50), "Mon, 07 Dec 2026 00:10:00 GMT");
    let report: Awaited<ReturnType<typeof poll>>;
    const run = await statementsRun(store.feeds.conn.db, async () => (report = await poll()));
    expect(report).toMatchObject({ status: "parsed", via: "scan", items: 50, new: 0, queued: 0 });
    // Before: a lookup per key and per link, and the presence UPDATEs over every item of the feed.
    // Now: the feed's state (its history flag, re-read after the last poll's write) says which key
    // set was last recorded; the document lists the same, so no item question is asked.
    const onItems = run.filter((sql) => /\bitems\b/.test(sql));
    expect(onItems).toHaveLength(1);
    expect(onItems[0]).toMatch(/EXISTS \(SELECT 1 FROM items/);
    // The same items in another order, one of them moved: still nothing new, nothing written to items.
    const reordered = newsItems(50);
    reordered.push(...reordered.splice(0, 1));
    write(reordered, "Mon, 07 Dec 2026 00:20:00 GMT");
    const again = await statementsRun(store.feeds.conn.db, async () => (report = await poll()));
    expect(report).toMatchObject({ status: "parsed", via: "scan", items: 50, new: 0 });
    expect(again.filter((sql) => /^\s*(UPDATE|INSERT|DELETE)/.test(sql) && /\bitems\b/.test(sql))).toEqual([]);
  });

  it("with one new item: it alone is read in full and queued; the known ones keep what was stored", async () => {
    const { write, poll, store } = setup();
    write(newsItems(3));
    await poll();
    write(newsItems(4), "Mon, 07 Dec 2026 00:10:00 GMT");
    const report = await poll();
    expect(report).toMatchObject({ status: "parsed", items: 4, new: 1, queued: 1 });
    expect(report?.via).toBeUndefined();
    const stored = await store.feeds.recentItems("news", 10);
    expect(stored.map((i) => [i.guid, i.title, i.summary])).toEqual(
      [4, 3, 2, 1].map((id) => [
        `https://news.example.org/?p=${id}`,
        `Story ${id}: council’s plan & the river <update>`,
        `Summary of story ${id}. It has “quotes” and more.`,
      ]),
    );
  });

  it("on doubt (an item without a link), the full parse decides", async () => {
    const { write, poll } = setup();
    const items = newsItems(3).map((i, k) => (k === 1 ? { ...i, link: undefined } : i));
    write(items);
    await poll();
    write(items, "Mon, 07 Dec 2026 00:10:00 GMT");
    const report = await poll();
    expect(report).toMatchObject({ status: "parsed", items: 3, new: 0, queued: 0 });
    expect(report?.via).toBeUndefined();
  });
});
