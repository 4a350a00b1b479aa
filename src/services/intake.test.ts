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
