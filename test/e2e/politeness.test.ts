/**
 * What feed servers ask is honoured (Cache-Control max-age, Retry-After on 429/503, without
 * counting as a failure), and retention prunes the store through `crier prune`.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Report = { status: string; error?: string; via?: string; warnings?: string[] };

function setup(feedPath: string, extra = ""): { config: string; dir: string; poll: () => Promise<Report>; hits: () => number } {
  const { config, dir } = writeConfig(`
storage: { path: data/crier.db }
feedHealth: { retryBaseMs: 60000, demoteAfter: 2 }
${extra}
feeds:
  - { id: news, url: "${feeds.url}${feedPath}" }
destinations:
  - { id: out, platform: console, output: stderr, file: out.jsonl }
routes:
  - { feed: news, to: [out] }
`);
  return {
    config,
    dir,
    poll: async () => JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout).feeds[0] as Report,
    hits: () => feeds.hits.filter((h) => h.path === feedPath).length,
  };
}

describe("feed server politeness", () => {
  it("says when a feed has moved for good (301/308), in the poll's report and once in the log, and still polls it", async () => {
    feeds.setFeed("/new-home.xml", buildRss(newsItems(2)));
    feeds.setMode("/old-home.xml", { kind: "status", status: 301, headers: { location: "/new-home.xml" } });
    const { config } = setup("/old-home.xml");
    const run = await runCli(["--config", config, "poll", "--once", "--json"]);
    const report = (JSON.parse(run.stdout) as { feeds: Report[] }).feeds[0];
    expect(report?.status).toBe("parsed");
    expect(report?.warnings).toContain(`moved permanently to ${feeds.url}/new-home.xml: update the feed's url in the config`);
    expect(run.stderr.match(/feed moved permanently; update its url in the config/g)?.length).toBe(1);
    const again = JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout).feeds[0] as Report;
    expect(again).toMatchObject({ status: "not-modified", via: "304", warnings: [expect.stringMatching(/^moved permanently to /)] });
    // A temporary redirect is not a move.
    feeds.setMode("/old-home.xml", { kind: "status", status: 302, headers: { location: "/new-home.xml" } });
    const temporary = JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout).feeds[0] as Report;
    expect(temporary.status).toBe("not-modified");
    expect(temporary.warnings).toBeUndefined();
  });


  it("sends no request while the server's Cache-Control max-age runs, then asks again (capped by polling.maxCacheAgeMs)", async () => {
    feeds.setFeed("/cached.xml", buildRss(newsItems(3)));
    // Long enough that the next CLI run, even on a loaded machine, comes before it runs out.
    feeds.setHeaders("/cached.xml", { "cache-control": "public, max-age=5" });
    const { poll, hits } = setup("/cached.xml");
    expect((await poll()).status).toBe("parsed");
    expect(hits()).toBe(1);
    const fresh = await poll();
    expect(fresh.status).toBe("fresh");
    expect(fresh.error).toMatch(/asked not to be polled before/);
    expect(hits()).toBe(1); // no request at all
    await sleep(5_100);
    expect(await poll()).toMatchObject({ status: "not-modified", via: "304" });
    expect(hits()).toBe(2);

    // A day-long max-age is honoured only up to the configured cap.
    feeds.setFeed("/long-cache.xml", buildRss(newsItems(3)));
    feeds.setHeaders("/long-cache.xml", { "cache-control": "max-age=86400" });
    const capped = setup("/long-cache.xml", "polling: { maxCacheAgeMs: 4000 }");
    expect((await capped.poll()).status).toBe("parsed");
    expect((await capped.poll()).status).toBe("fresh");
    await sleep(4_100);
    expect((await capped.poll()).status).toBe("not-modified");
  }, 30_000);

  it("waits out Retry-After on 429 and 503 without counting failures (no demotion, no backoff)", async () => {
    feeds.setFeed("/busy.xml", buildRss(newsItems(3)));
    const { poll, hits, config } = setup("/busy.xml");
    expect((await poll()).status).toBe("parsed");
    for (const status of [429, 503]) {
      // 4 s: longer than a CLI run takes on a loaded machine, so the next poll comes before it ends.
      feeds.setMode("/busy.xml", { kind: "status", status, headers: { "retry-after": "4" } });
      const answered = await poll();
      expect(answered.status).toBe("error");
      expect(answered.error).toMatch(new RegExp(`HTTP ${status} .*asked to come back in 4 s`));
      const before = hits();
      expect((await poll()).status).toBe("fresh"); // not "backoff": not a failure
      expect(hits()).toBe(before);
      await sleep(4_100);
    }
    // Two refusals in a row with demoteAfter 2: still not demoted, no failure streak.
    feeds.setFeed("/busy.xml", buildRss(newsItems(4)));
    expect((await poll()).status).toBe("parsed");
    const status = await runCli(["--config", config, "poll", "--once", "--json"]);
    expect(status.stderr).not.toMatch(/demoted|keeps failing/);

    // Without Retry-After a 503 is an ordinary failure: backoff (which the operator's poll overrides, saying so).
    feeds.setMode("/busy.xml", { kind: "status", status: 503 });
    expect((await poll()).status).toBe("error");
    const overridden = await poll();
    expect(overridden.status).toBe("error");
    expect(overridden.warnings?.[0]).toMatch(/^polled although failing and in backoff until/);
  }, 30_000);
});

describe("retention", () => {
  it("crier prune forgets items that left the feed and old finished deliveries, checkpoints the WAL, and posts nothing again", async () => {
    feeds.setFeed("/retained.xml", buildRss(newsItems(5)));
    // 0.00002 days = 1.7 s: everything finished is old enough after a short wait.
    const { config, dir, poll } = setup("/retained.xml", "retention: { itemsDays: 0.00002, deliveriesDays: 0.00002 }");
    expect((await poll()).status).toBe("parsed"); // first run: 5 recorded, not posted
    feeds.setFeed("/retained.xml", buildRss(newsItems(4, { start: 3 }))); // stories 1 and 2 left; 6 is new
    expect(await poll()).toMatchObject({ status: "parsed" });
    await sleep(2_000);
    const pruned = await runCli(["--config", config, "prune", "--json"]);
    expect(pruned.code).toBe(0);
    // 5 skipped seed rows + story 6's sent row; stories 1 and 2 (left, no rows left).
    expect(JSON.parse(pruned.stdout)).toMatchObject({ deliveries: 6, items: 2 });
    const wal = path.join(dir, "data", "crier.db-wal");
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    // Stories 3-6 are still known: nothing is posted again.
    const again = await runCli(["--config", config, "poll", "--once", "--json"]);
    const result = JSON.parse(again.stdout) as { feeds: Report[]; deliveries: unknown[] };
    expect(result.feeds[0]?.status).toBe("not-modified");
    expect(result.deliveries).toEqual([]);
    expect((await runCli(["--config", config, "prune"])).stdout).toMatch(/^pruned: 0 items, 0 deliveries, \d+ send-log entries; WAL checkpointed/);
  }, 30_000);
});
