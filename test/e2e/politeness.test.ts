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
import { scaled, untilClock, waitFor } from "../support/timing.js";

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});

type Report = { status: string; error?: string; via?: string; warnings?: string[] };

/** When a "fresh" report says the feed may be asked again (epoch ms). */
function freshUntil(report: Report): number {
  const at = /not to be polled before (\S+?Z)/.exec(report.error ?? "")?.[1];
  if (!at) throw new Error(`not a fresh report: ${JSON.stringify(report)}`);
  return Date.parse(at);
}

/**
 * A server-given wait (whole seconds) that the test's next poll must surely fall within: `s`, or
 * three times what a CLI run takes on this machine right now, if that is longer (measured on the
 * config, as the polls will run).
 */
async function windowSeconds(s: number, config: string): Promise<number> {
  const started = Date.now();
  expect((await runCli(["--config", config, "deliveries", "--json"])).code).toBe(0);
  return Math.max(s, Math.ceil((3 * (Date.now() - started)) / 1000));
}

function setup(feedPath: string, extra = ""): { config: string; dir: string; poll: () => Promise<Report>; hits: () => number; lastHitAt: () => number; pollUntilAsked: () => Promise<Report> } {
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
    lastHitAt: () => feeds.hits.filter((h) => h.path === feedPath).at(-1)?.at ?? 0,
    /**
     * Polls until Crier asks the server again (a report other than "fresh"), checking that no
     * "fresh" poll sent a request; returns that report. The server's wait is the condition.
     */
    pollUntilAsked: async () => {
      const before = feeds.hits.filter((h) => h.path === feedPath).length;
      let report: Report = { status: "fresh" };
      await waitFor(
        async () => {
          report = JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout).feeds[0] as Report;
          if (report.status === "fresh") expect(feeds.hits.filter((h) => h.path === feedPath).length).toBe(before);
          return report.status !== "fresh";
        },
        30_000,
        `crier to ask for ${feedPath} again`,
      );
      return report;
    },
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
    const { poll, hits, lastHitAt, pollUntilAsked, config } = setup("/cached.xml");
    // Long enough that the next CLI run, even on a loaded machine, comes before it runs out.
    const maxAge = await windowSeconds(5, config);
    feeds.setHeaders("/cached.xml", { "cache-control": `public, max-age=${maxAge}` });
    const asked = Date.now();
    expect((await poll()).status).toBe("parsed");
    const answered = Date.now();
    expect(hits()).toBe(1);
    const fresh = await poll();
    expect(fresh.status).toBe("fresh");
    expect(fresh.error).toMatch(/asked not to be polled before/);
    expect(hits()).toBe(1); // no request at all
    // The max-age counts from Crier's request: between the CLI's start and its end.
    expect(freshUntil(fresh)).toBeGreaterThanOrEqual(asked + maxAge * 1000);
    expect(freshUntil(fresh)).toBeLessThanOrEqual(answered + maxAge * 1000);
    expect(await pollUntilAsked()).toMatchObject({ status: "not-modified", via: "304" });
    expect(hits()).toBe(2);
    expect(lastHitAt()).toBeGreaterThanOrEqual(freshUntil(fresh));

    // A day-long max-age is honoured only up to the configured cap.
    feeds.setFeed("/long-cache.xml", buildRss(newsItems(3)));
    feeds.setHeaders("/long-cache.xml", { "cache-control": "max-age=86400" });
    const cap = (await windowSeconds(4, config)) * 1000;
    const capped = setup("/long-cache.xml", `polling: { maxCacheAgeMs: ${cap} }`);
    const cappedAsked = Date.now();
    expect((await capped.poll()).status).toBe("parsed");
    const cappedAnswered = Date.now();
    const cappedFresh = await capped.poll();
    expect(cappedFresh.status).toBe("fresh");
    expect(freshUntil(cappedFresh)).toBeGreaterThanOrEqual(cappedAsked + cap);
    expect(freshUntil(cappedFresh)).toBeLessThanOrEqual(cappedAnswered + cap); // the cap, not the day
    expect((await capped.pollUntilAsked()).status).toBe("not-modified");
    expect(capped.lastHitAt()).toBeGreaterThanOrEqual(freshUntil(cappedFresh));
  }, scaled(30_000));

  it("waits out Retry-After on 429 and 503 without counting failures (no demotion, no backoff)", async () => {
    feeds.setFeed("/busy.xml", buildRss(newsItems(3)));
    const { poll, hits, config } = setup("/busy.xml");
    expect((await poll()).status).toBe("parsed");
    // Longer than a CLI run takes on a loaded machine, so the next poll comes before it ends.
    const retryAfter = await windowSeconds(4, config);
    for (const status of [429, 503]) {
      feeds.setMode("/busy.xml", { kind: "status", status, headers: { "retry-after": String(retryAfter) } });
      const answered = await poll();
      expect(answered.status).toBe("error");
      expect(answered.error).toMatch(new RegExp(`HTTP ${status} .*asked to come back in ${retryAfter} s`));
      const before = hits();
      const waiting = await poll();
      expect(waiting.status).toBe("fresh"); // not "backoff": not a failure
      expect(hits()).toBe(before);
      await untilClock(freshUntil(waiting)); // the wait the server asked for, as Crier recorded it
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
  }, scaled(30_000));
});

describe("retention", () => {
  it("crier prune forgets items that left the feed and old finished deliveries, checkpoints the WAL, and posts nothing again", async () => {
    feeds.setFeed("/retained.xml", buildRss(newsItems(5)));
    // 0.00002 days = 1.7 s: everything finished is old enough after a short wait.
    const retentionMs = 0.00002 * 86_400_000;
    const { config, dir, poll } = setup("/retained.xml", "retention: { itemsDays: 0.00002, deliveriesDays: 0.00002 }");
    expect((await poll()).status).toBe("parsed"); // first run: 5 recorded, not posted
    feeds.setFeed("/retained.xml", buildRss(newsItems(4, { start: 3 }))); // stories 1 and 2 left; 6 is new
    expect(await poll()).toMatchObject({ status: "parsed" });
    // Everything was recorded before that poll ended: wait until all of it is older than the retention.
    await untilClock(Date.now() + retentionMs + 1);
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
  }, scaled(30_000));
});
