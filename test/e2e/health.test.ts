/** Misbehaving feeds back off and are demoted with an alert; broken destinations pause and alert; the operator resumes both. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";

let feeds: FeedServer;
let tg: TelegramLoopback;
const TOKEN = "4444444:AAE-health-token-value";
beforeAll(async () => {
  feeds = await startFeedServer();
  tg = await startTelegramLoopback({ tokens: [TOKEN], chats: [{ id: -1003333333333, type: "channel", username: "health" }] });
});
afterAll(async () => {
  await feeds.close();
  await tg.close();
});

describe("feed and destination health", () => {
  // `crier run` honouring the backoff between scheduled polls: test/e2e/feed-outage.test.ts.
  it("counts a failing feed's failures, demotes it with one alert, and brings it back on the first success; the operator's polls override its backoff", async () => {
    feeds.setFeed("/flaky.xml", buildRss(newsItems(3)));
    const yaml = (backoffMs: number): string => `
storage: { path: data/crier.db }
feedHealth: { retryBaseMs: ${backoffMs}, retryMaxMs: ${backoffMs}, demoteAfter: 3, probeIntervalMs: 60000 }
alerts: { destination: ops, throttleMs: 60000 }
feeds:
  - { id: flaky, url: "${feeds.url}/flaky.xml" }
destinations:
  - { id: out, platform: console, output: stderr, file: out.jsonl }
  - { id: ops, platform: console, output: stderr, file: alerts.jsonl }
routes:
  - { feed: flaky, to: [out] }
`;
    const { dir, config } = writeConfig(yaml(2000));
    const poll = async () => JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout).feeds[0] as { status: string; error?: string; warnings?: string[] };
    const alerts = () => (existsSync(path.join(dir, "alerts.jsonl")) ? jsonLines(readFileSync(path.join(dir, "alerts.jsonl"), "utf8")) : []);
    const started = Date.now();
    expect((await poll()).status).toBe("parsed");
    // The backoff must outlast the next poll even on a loaded machine: 2 s, or three polls' time.
    writeConfig(yaml(Math.max(2000, 3 * (Date.now() - started))), dir);
    feeds.setMode("/flaky.xml", { kind: "status", status: 503 });
    expect((await poll()).status).toBe("error");
    const again = await poll(); // in backoff (2 s): the operator's poll polls all the same, and says so
    expect(again.status).toBe("error");
    expect(again.warnings?.[0]).toMatch(/^polled although failing and in backoff until \S+ \(asked for by the operator\)\. Last error: .*HTTP 503/);
    expect((await poll()).status).toBe("error"); // third failure in a row: demoted
    expect(alerts()).toHaveLength(1);
    expect(String(alerts()[0]?.text)).toMatch(/feed flaky keeps failing[\s\S]*HTTP 503/);
    const demoted = await poll();
    expect(demoted.status).toBe("error");
    expect(demoted.warnings?.[0]).toMatch(/^polled although demoted to a slow probe and in backoff until/);
    expect(alerts()).toHaveLength(1); // demoted once, alerted once
    // The feed recovers; the operator does not wait for the probe.
    feeds.setFeed("/flaky.xml", buildRss(newsItems(4)));
    expect((await runCli(["--config", config, "feed", "resume", "flaky"])).code).toBe(0);
    const back = await poll();
    expect(back.status).toBe("parsed");
    expect(alerts()).toHaveLength(1); // no alert storm
  });

  it("pauses a destination whose credentials are refused, alerts once, and resumes on the operator's word", async () => {
    feeds.setFeed("/news.xml", buildRss(newsItems(3)));
    const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
alerts: { destination: ops }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 2 }
destinations:
  - { id: tg, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG_TOKEN}", chatId: "@health" }
  - { id: ops, platform: console, output: stderr, file: alerts.jsonl }
routes:
  - { feed: news, to: [tg] }
`);
    const alerts = () => (existsSync(path.join(dir, "alerts.jsonl")) ? jsonLines(readFileSync(path.join(dir, "alerts.jsonl"), "utf8")) : []);
    const bad = await runCli(["--config", config, "poll", "--once", "--json"], { env: { TG_TOKEN: "4444444:AAE-revoked-token-00" } });
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout).deliveries).toHaveLength(1); // the second is not tried: the destination is paused
    const status = await runCli(["--config", config, "destinations"], { env: { TG_TOKEN: TOKEN } });
    expect(status.stdout).toMatch(/tg \(telegram\): PAUSED: credentials refused/);
    expect(alerts()).toHaveLength(1);
    expect(String(alerts()[0]?.text)).toContain("crier resume tg");
    // Still paused on the next run, even with the right token: the operator decides.
    const still = await runCli(["--config", config, "poll", "--once", "--json"], { env: { TG_TOKEN: TOKEN } });
    expect(JSON.parse(still.stdout).deliveries).toEqual([]);
    expect((await runCli(["--config", config, "resume", "tg"], { env: { TG_TOKEN: TOKEN } })).code).toBe(0);
    const after = await runCli(["--config", config, "poll", "--once", "--json"], { env: { TG_TOKEN: TOKEN } });
    expect(JSON.parse(after.stdout).deliveries.map((d: { state: string }) => d.state)).toEqual(["sent", "sent"]);
    expect(tg.messages).toHaveLength(2);
  });
});
