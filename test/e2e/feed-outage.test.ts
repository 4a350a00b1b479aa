/**
 * A feed after an outage, through the built CLI: the articles that piled up while it failed are
 * news, not a flood (their dates say so), while a domain move is still held with both choices
 * spelled out; the operator's `crier poll --once` polls a feed in backoff (and says so) but honours
 * the server's own Retry-After; `crier run`'s scheduled polls keep honouring the backoff.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled } from "../support/timing.js";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor, type Daemon } from "../support/daemon.js";

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => feeds.close());

interface FeedReport { feedId: string; status: string; error?: string; warnings?: string[]; new?: number; queued?: number }
interface PollJson { feeds: FeedReport[]; deliveries: Array<{ state: string; title: string }> }

function setup(feedPath: string, extra = "") {
  const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
feedHealth: { retryBaseMs: 600000, retryMaxMs: 600000, demoteAfter: 10 }
${extra}
feeds:
  - { id: news, url: "${feeds.url}${feedPath}", backlog: 0 }
destinations:
  - { id: out, platform: console, output: stderr, file: out.jsonl }
routes:
  - { feed: news, to: [out] }
`);
  const poll = async (...args: string[]) => {
    const r = await runCli(["--config", config, "poll", "--once", "--json", ...args]);
    if (!r.stdout.trim().startsWith("{")) throw new Error(`no JSON from poll (exit ${r.code}): ${r.stderr}`);
    return { code: r.code, json: JSON.parse(r.stdout) as PollJson };
  };
  const posts = () => {
    const file = path.join(dir, "out.jsonl");
    return existsSync(file) ? jsonLines(readFileSync(file, "utf8")) : [];
  };
  return { config, poll, posts, hits: () => feeds.hits.filter((h) => h.path === feedPath).length };
}

/** `n` new articles published during the outage: dated now, a minute apart. */
const publishedNow = (n: number, start: number): TestItem[] =>
  newsItems(n, { start }).map((item, k) => ({ ...item, pubDate: new Date(Date.now() - k * 60_000) }));

describe("after a feed outage", () => {
  it("posts the 8 articles that piled up during two failed polls instead of holding them as a flood", async () => {
    const before = newsItems(10); // a feed that lists its latest 10
    feeds.setFeed("/outage.xml", buildRss(before));
    const s = setup("/outage.xml");
    expect((await s.poll()).json.feeds[0]).toMatchObject({ status: "parsed", new: 10, queued: 0 });

    feeds.setMode("/outage.xml", { kind: "status", status: 502 });
    expect((await s.poll()).json.feeds[0]?.status).toBe("error");
    expect((await s.poll()).json.feeds[0]?.status).toBe("error");

    // Back up: 8 new articles and the 2 newest of the old ones, 8 of 10 new at once.
    const piled = publishedNow(8, 100);
    feeds.setFeed("/outage.xml", buildRss([...piled, ...before.slice(0, 2)]));
    feeds.setMode("/outage.xml", { kind: "ok" });
    const back = await s.poll();
    expect(back.code).toBe(0);
    expect(back.json.feeds[0]).toMatchObject({ status: "parsed", new: 8, queued: 8 });
    expect(back.json.deliveries.map((d) => d.state)).toEqual(Array(8).fill("sent"));
    expect(s.posts().map((p) => p.link).sort()).toEqual(piled.map((i) => i.link).sort());

    // A domain move afterwards (every link new, the old dates): still held, and the hint says what each choice does.
    feeds.setFeed("/outage.xml", buildRss(newsItems(10, { host: "https://moved.example.net" })));
    const moved = await s.poll();
    expect(moved.code).toBe(3);
    expect(moved.json.feeds[0]?.status).toBe("held");
    expect(moved.json.feeds[0]?.error).toMatch(
      /^10 of 10 items are new at once and not dated since the feed's last successful poll \(a domain move or re-import\?\); nothing posted\. To post them: crier feed accept news --post\. To record them without posting \(they are never posted\): crier feed accept news\.$/,
    );
    expect(s.posts()).toHaveLength(8);
  }, scaled(60_000));
});

describe("a feed in backoff", () => {
  it("crier poll --once polls it anyway and says so; the server's Retry-After is still honoured", async () => {
    feeds.setFeed("/backoff.xml", buildRss(newsItems(3)));
    const s = setup("/backoff.xml");
    expect((await s.poll()).json.feeds[0]?.status).toBe("parsed");

    feeds.setMode("/backoff.xml", { kind: "status", status: 500 });
    const failed = await s.poll();
    expect(failed.json.feeds[0]?.status).toBe("error"); // now backed off for 10 minutes
    let hits = s.hits();

    // Still broken; the operator polls inside the backoff: polled, and the text output says why.
    const text = await runCli(["--config", s.config, "poll", "--once"]);
    expect(s.hits()).toBe(hits + 1);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^feed news: error: .*HTTP 500.*\n {2}warning: polled although failing and in backoff until \S+ \(asked for by the operator\)\. Last error: /m);
    hits = s.hits();

    // The feed is fixed; the operator polls again at once, inside the (longer) backoff.
    feeds.setFeed("/backoff.xml", buildRss(newsItems(4)));
    feeds.setMode("/backoff.xml", { kind: "ok" });
    const asked = await s.poll();
    expect(s.hits()).toBe(hits + 1);
    expect(asked.code).toBe(0);
    expect(asked.json.feeds[0]).toMatchObject({ status: "parsed", new: 1, queued: 1 });
    expect(asked.json.feeds[0]?.warnings?.[0]).toMatch(/^polled although failing and in backoff until \d{4}-\d\d-\d\dT\S+Z \(asked for by the operator\)\. Last error: .*HTTP 500/);
    expect(s.posts()).toHaveLength(1);
    expect((await s.poll()).json.feeds[0]?.warnings ?? []).toEqual([]); // the success cleared the backoff

    // From cron (--scheduled), a failing feed waits for its next try, as under `crier run`.
    feeds.setMode("/backoff.xml", { kind: "status", status: 500 });
    expect((await s.poll()).json.feeds[0]?.status).toBe("error");
    hits = s.hits();
    const scheduled = await runCli(["--config", s.config, "poll", "--once", "--scheduled", "--json"]);
    expect(s.hits()).toBe(hits);
    expect((JSON.parse(scheduled.stdout) as PollJson).feeds[0]).toMatchObject({ status: "backoff" });
    expect(scheduled.code).toBe(3);
    feeds.setMode("/backoff.xml", { kind: "ok" });
    expect((await s.poll()).json.feeds[0]?.status).toBe("not-modified"); // healthy again, nothing new

    // The server says "come back in an hour": even the operator's poll waits.
    feeds.setMode("/backoff.xml", { kind: "status", status: 503, headers: { "retry-after": "3600" } });
    expect((await s.poll()).json.feeds[0]?.status).toBe("error");
    const quiet = s.hits();
    const honoured = await s.poll();
    expect(s.hits()).toBe(quiet);
    expect(honoured.json.feeds[0]?.status).toBe("fresh");
    expect(honoured.json.feeds[0]?.error).toMatch(/^the server asked not to be polled before \S+ \(its max-age or Retry-After is honoured even when the operator asks for a poll\)$/);
  }, scaled(60_000));

  it("crier run's scheduled polls honour the backoff, while the operator's poll alongside overrides it", async () => {
    feeds.setFeed("/sched-bad.xml", buildRss(newsItems(2)));
    feeds.setFeed("/sched-good.xml", buildRss(newsItems(2)));
    feeds.setMode("/sched-bad.xml", { kind: "status", status: 500 });
    const { config } = writeConfig(`
storage: { path: data/crier.db }
feedHealth: { retryBaseMs: 600000, retryMaxMs: 600000 }
feeds:
  - { id: bad, url: "${feeds.url}/sched-bad.xml", schedule: "* * * * * *", backlog: 0 }
  - { id: good, url: "${feeds.url}/sched-good.xml", schedule: "* * * * * *", backlog: 0 }
destinations:
  - { id: out, platform: console, output: stderr }
routes:
  - { feed: bad, to: [out] }
  - { feed: good, to: [out] }
`);
    const hits = (p: string) => feeds.hits.filter((h) => h.path === p).length;
    let daemon: Daemon | undefined;
    try {
      daemon = startDaemon(config);
      await waitFor(() => hits("/sched-bad.xml") >= 1 && hits("/sched-good.xml") >= 1, 15_000, "the first scheduled polls");
      const good = hits("/sched-good.xml");
      // Several scheduled cycles pass (the healthy feed is polled each second): the failing one is not asked again.
      await waitFor(() => hits("/sched-good.xml") >= good + 3, 15_000, "three more scheduled cycles");
      expect(hits("/sched-bad.xml")).toBe(1);

      const asked = await runCli(["--config", config, "poll", "--once", "--json", "--feed", "bad"]);
      const report = (JSON.parse(asked.stdout) as PollJson).feeds[0];
      expect(report?.status).toBe("error");
      expect(report?.warnings?.[0]).toMatch(/^polled although failing and in backoff until/);
      expect(hits("/sched-bad.xml")).toBe(2);
    } finally {
      daemon?.child.kill("SIGTERM");
      await daemon?.exited;
    }
  }, scaled(60_000));
});
