/**
 * Feed intake on a real store and a loopback feed server: a feed being polled is not polled again
 * by another cycle (crier run's first cycle and a schedule's tick overlapping), and a push waits
 * for the poll of its feed in progress.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { consoleAdapter } from "../../adapters/console/index.js";
import { parseConfig } from "../config/load.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { buildRss, newsItems } from "../../test/support/rss.js";
import { waitFor } from "../../test/support/timing.js";
import { FeedIntake } from "./intake.js";

/** A feed server whose answers wait until `release()`; counts the requests it got. */
async function heldFeedServer(xml: string) {
  let requests = 0;
  let release!: () => void;
  let onRequest: () => Promise<unknown> = async () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((_req, res) => {
    requests++;
    void onRequest()
      .then(() => released)
      .then(() => res.writeHead(200, { "content-type": "application/rss+xml" }).end(xml));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  return { url, requests: () => requests, release, onRequest: (f: () => Promise<unknown>) => void (onRequest = f), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const feed = await heldFeedServer(buildRss(newsItems(3)));
  const store = new SqliteStore(":memory:");
  const config = parseConfig(
    ["feeds:", `  - { id: news, url: "${feed.url}" }`, "destinations:", "  - { id: out, platform: console }", "routes:", "  - { feed: news, to: [out] }", ""].join("\n"),
    "/srv/crier.yaml",
    { env: {}, adapters: new Map([["console", consoleAdapter]]) },
  );
  const intake = new FeedIntake({
    config, store: store.feeds, logger: pino({ level: "silent" }), now: Date.now, scrub: (t) => t, alert: async () => undefined, dryRun: false, stopping: new AbortController().signal,
  });
  cleanups.push(() => feed.close(), () => store.close(), () => intake.close());
  return { feed, store, intake };
}

describe("FeedIntake", () => {
  it("does not poll a feed another cycle is polling: one fetch, one report", async () => {
    const { feed, intake } = await setup();
    const first = intake.pollFeeds(); // crier run's first cycle
    await waitFor(() => feed.requests() === 1, 5_000, "the first cycle's request");
    const second = await intake.pollFeeds(["news"]); // a schedule's tick, while the first waits for the server
    expect(second.reports).toEqual([]);
    feed.release();
    const done = await first;
    expect(done.reports).toMatchObject([{ feedId: "news", status: "parsed", items: 3 }]);
    expect(feed.requests()).toBe(1);
    // Once that poll is over, the feed is polled again as usual.
    expect((await intake.pollFeeds(["news"])).reports).toMatchObject([{ feedId: "news" }]);
    expect(feed.requests()).toBe(2);
  });

  it("a push waits for the poll of its feed in progress, then is processed", async () => {
    const { feed, intake, store } = await setup();
    // For each request, whether the store already had the feed's items when it arrived.
    const historyAtRequest: boolean[] = [];
    feed.onRequest(async () => historyAtRequest.push((await store.feeds.getFeedState("news"))?.hasHistory ?? false));
    const poll = intake.pollFeeds();
    await waitFor(() => feed.requests() === 1, 5_000, "the poll's request");
    const push = intake.acceptPushed("news", "notified");
    feed.release();
    await poll;
    expect(await push).toMatchObject({ feedId: "news" });
    // The push fetched after the poll had recorded the feed, not beside it.
    expect(historyAtRequest).toEqual([false, true]);
  });
});

describe("FeedIntake cycles of crier run (reports: notable)", () => {
  /** Feeds a, b, c answering 304 to their ETag; `grow("c")` gives c one more item (a new ETag). */
  async function etagServer() {
    const items = new Map([["a", 3], ["b", 3], ["c", 3]]);
    const server = http.createServer((req, res) => {
      const id = /\/(\w)\.xml$/.exec(req.url ?? "")?.[1] ?? "";
      const etag = `"${id}-${items.get(id)}"`;
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { "content-type": "application/rss+xml", etag }).end(buildRss(newsItems(items.get(id) ?? 0, { host: `https://${id}.example.org` })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { base, grow: (id: string) => items.set(id, (items.get(id) ?? 0) + 1) };
  }

  it("keeps only the reports that say something, and counts every feed's status", async () => {
    const { base, grow } = await etagServer();
    const store = new SqliteStore(":memory:");
    const config = parseConfig(
      ["feeds:", ...["a", "b", "c"].map((id) => `  - { id: ${id}, url: "${base}/${id}.xml" }`), "destinations:", "  - { id: out, platform: console }", "routes:", "  - { feed: a, to: [out] }", "  - { feed: b, to: [out] }", "  - { feed: c, to: [out] }", ""].join("\n"),
      "/srv/crier.yaml",
      { env: {}, adapters: new Map([["console", consoleAdapter]]) },
    );
    const intake = new FeedIntake({
      config, store: store.feeds, logger: pino({ level: "silent" }), now: Date.now, scrub: (t) => t, alert: async () => undefined, dryRun: false, stopping: new AbortController().signal,
    });
    cleanups.push(() => store.close(), () => intake.close());
    expect((await intake.pollFeeds()).tally).toEqual({ parsed: 3 }); // first run: seeds every feed
    grow("c");
    const cycle = await intake.pollFeeds(undefined, { reports: "notable" });
    expect(cycle.reports).toMatchObject([{ feedId: "c", status: "parsed", new: 1, queued: 1 }]);
    expect(cycle.tally).toEqual({ "not-modified/304": 2, parsed: 1 });
    // Asked for all (crier poll --once, the console): every feed's report, in the order asked for.
    const all = await intake.pollFeeds(["c", "a"]);
    expect(all.reports.map((r) => [r.feedId, r.status, r.via])).toEqual([["c", "not-modified", "304"], ["a", "not-modified", "304"]]);
    expect(all.tally).toEqual({ "not-modified/304": 2 });
  });
});
