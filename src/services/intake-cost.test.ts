/**
 * What a 304 cycle costs by design, on a real store and a loopback feed server (the promises a poll
 * makes, counted with async_hooks), and the pool every poll goes through.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import pino from "pino";
import { consoleAdapter } from "../../adapters/console/index.js";
import { parseConfig } from "../config/load.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { resourcesMadeBy } from "../../test/support/async-resources.js";
import { buildRss, newsItems } from "../../test/support/rss.js";
import { pollFeed, reportOf, type PollContext } from "../intake/poll-feed.js";
import { FeedIntake } from "./intake.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FEEDS = 40;

/** FEEDS feeds, each answering 304 to its ETag, and a FeedIntake polling them (concurrency 4). */
async function unchangedFeeds() {
  const server = http.createServer(async (req, res) => {
    // Does in this process what the tests below count in Crier's work: it prints a request id in
    // hex and (Node, once a second) a Date header, and makes a promise. They count only Crier's.
    res.setHeader("x-request-id", randomBytes(8).toString("hex"));
    await Promise.resolve();
    const etag = `"${req.url ?? ""}-1"`;
    if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { "content-type": "application/rss+xml", etag, "last-modified": "Mon, 07 Dec 2026 08:00:00 GMT" }).end(buildRss(newsItems(3)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids = Array.from({ length: FEEDS }, (_, k) => `f${k}`);
  const config = parseConfig(
    ["polling: { concurrency: 4 }", "feeds:", ...ids.map((id) => `  - { id: ${id}, url: "${base}/${id}.xml" }`), "destinations:", "  - { id: out, platform: console }", "routes:", ...ids.map((id) => `  - { feed: ${id}, to: [out] }`), ""].join("\n"),
    "/srv/crier.yaml",
    { env: {}, adapters: new Map([["console", consoleAdapter]]) },
  );
  const store = new SqliteStore(":memory:");
  const intake = new FeedIntake({
    config, store: store.feeds, logger: pino({ level: "silent" }), now: Date.now, scrub: (t) => t, alert: async () => undefined, dryRun: false, stopping: new AbortController().signal,
  });
  cleanups.push(() => store.close(), () => intake.close());
  const context: PollContext = {
    store: store.feeds, routes: ["out"], userAgent: config.userAgent, logger: pino({ level: "silent" }), now: Date.now, dryRun: false,
    scrub: (t) => t, health: config.feedHealth, polling: config.polling, alert: async () => undefined,
  };
  return { intake, firstFeed: config.feeds[0] as (typeof config.feeds)[number], context };
}

/** Promises made by `work` and what it started (not the rest of the worker's meanwhile). */
async function promisesDuring(work: () => Promise<unknown>): Promise<number> {
  return (await resourcesMadeBy(work)).PROMISE ?? 0;
}

/** The folders of Crier's code: a spied global's call counts when a frame there (not a test's) is on its stack. */
const OURS = ["src", "adapters"].map((dir) => fileURLToPath(new URL(`../../${dir}/`, import.meta.url)));

/**
 * The calls of `target[method]` made by Crier's code (src/, adapters/) while `work` runs. A spy on a
 * global sees the whole process: the loopback server, Node's HTTP internals and Vitest's worker run
 * here too, and a count of theirs fails at random (a Date header is printed once a second).
 */
async function callsByCrier<T extends object, K extends keyof T & string>(target: T, method: K, work: () => Promise<unknown>): Promise<unknown[][]> {
  const original = target[method] as (...args: unknown[]) => unknown;
  const calls: unknown[][] = [];
  const spy = vi.spyOn(target, method as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
    const frames = (new Error().stack ?? "").split("\n");
    if (frames.some((frame) => OURS.some((dir) => frame.includes(dir)) && !/\.test\.ts:/.test(frame))) calls.push(args);
    return original.apply(this, args);
  } as never);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100; // Crier's frame may sit deep under a library's
  try {
    await work();
  } finally {
    Error.stackTraceLimit = limit;
    spy.mockRestore();
  }
  return calls;
}

describe("a 304 cycle", () => {
  it("makes a few promises per poll: the poll's, the fetch's and the exchange's, none for the pool", async () => {
    const { intake } = await unchangedFeeds();
    expect((await intake.pollFeeds()).tally).toEqual({ parsed: FEEDS }); // seeds
    expect((await intake.pollFeeds()).tally).toEqual({ "not-modified/304": FEEDS }); // warm
    let tally: Record<string, number> = {};
    const made = await promisesDuring(async () => void ({ tally } = await intake.pollFeeds(undefined, { reports: "notable" })));
    expect(tally).toEqual({ "not-modified/304": FEEDS });
    // With async_hooks on, each await adds one: poll + pollFeed + fetchHttp + exchange, and three
    // awaits (7 a poll). Through p-limit and the cycle's window it was 18.
    expect(made / FEEDS).toBeLessThanOrEqual(8);
  });
});

describe("a quiet 304 poll", () => {
  it("builds no report (a cycle keeping the notable ones would drop it): it says `unchanged`, and reportOf builds one when asked", async () => {
    const { intake, firstFeed, context } = await unchangedFeeds();
    await intake.pollFeeds(); // seeds
    const result = await pollFeed(firstFeed, context);
    expect({ report: result.report, unchanged: result.unchanged, polled: result.polled?.feedId }).toEqual({ report: undefined, unchanged: "304", polled: "f0" });
    expect(reportOf("f0", result)).toEqual({ feedId: "f0", status: "not-modified", via: "304" });
  });
});

describe("a 304 poll's feed state", () => {
  it("is read without printing a digest or a Date: a 304 sends the validators and needs nothing else", async () => {
    const { intake } = await unchangedFeeds();
    await intake.pollFeeds(); // seeds: each feed's body hash, key digest and Last-Modified are kept
    await intake.pollFeeds(); // warm: the states are in the store's cache
    let tally: Record<string, number> = {};
    let dates: unknown[][] = [];
    const printed = await callsByCrier(Buffer.prototype, "toString", async () => {
      dates = await callsByCrier(Date.prototype, "toUTCString", async () => void ({ tally } = await intake.pollFeeds()));
    });
    expect(tally).toEqual({ "not-modified/304": FEEDS });
    // Digests print as hex (the body hash) and base64url (the key set's); the Last-Modified sent
    // is printed from the time the cache keeps, by arithmetic.
    const digests = printed.filter(([encoding]) => encoding === "hex" || encoding === "base64url");
    expect({ digests: digests.length, dates: dates.length }).toEqual({ digests: 0, dates: 0 });
  });
});

describe("the polling pool", () => {
  /** `n` feeds on a server that answers each request a few ms later, counting those in flight at once. */
  async function slowFeeds(n: number, concurrency: number, stopping = new AbortController().signal) {
    let inFlight = 0;
    let most = 0;
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/rss+xml" }).end(buildRss(newsItems(1)));
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ids = Array.from({ length: n }, (_, k) => `f${k}`);
    const config = parseConfig(
      [`polling: { concurrency: ${concurrency} }`, "feeds:", ...ids.map((id) => `  - { id: ${id}, url: "${base}/${id}.xml" }`), "destinations:", "  - { id: out, platform: console }", "routes:", ...ids.map((id) => `  - { feed: ${id}, to: [out] }`), ""].join("\n"),
      "/srv/crier.yaml",
      { env: {}, adapters: new Map([["console", consoleAdapter]]) },
    );
    const store = new SqliteStore(":memory:");
    const intake = new FeedIntake({ config, store: store.feeds, logger: pino({ level: "silent" }), now: Date.now, scrub: (t) => t, alert: async () => undefined, dryRun: false, stopping });
    cleanups.push(() => store.close(), () => intake.close());
    return { intake, ids, most: () => most, requests: () => requests };
  }

  it("is shared by cycles running at once: never more polls in flight than polling.concurrency", async () => {
    const { intake, ids, most } = await slowFeeds(12, 3);
    const [a, b] = await Promise.all([intake.pollFeeds(ids.slice(0, 6)), intake.pollFeeds(ids.slice(6))]);
    expect([a.tally, b.tally]).toEqual([{ parsed: 6 }, { parsed: 6 }]);
    expect(most()).toBe(3);
  });

  it("a stop ends a spread cycle at once: the feeds not yet due are not polled", async () => {
    const stop = new AbortController();
    const { intake, requests } = await slowFeeds(10, 2, stop.signal);
    const started = Date.now();
    const cycle = intake.pollFeeds(undefined, { spreadMs: 600_000 });
    stop.abort();
    const { tally } = await cycle;
    expect(Date.now() - started).toBeLessThan(30_000);
    const polled = Object.values(tally).reduce((x, y) => x + y, 0);
    expect(polled).toBe(requests());
    expect(polled).toBeLessThan(10);
  });
});
