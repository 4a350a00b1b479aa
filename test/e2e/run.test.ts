/** `crier run`: schedules, a clean stop on SIGTERM that finishes the send in flight, and restart. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { runCliJson, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor } from "../support/daemon.js";
import { startXLoopback, type XLoopback } from "../loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../loopback/x-api/testing.js";
import { startTelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import { stopChildren } from "../support/children.js";

const X_ENV = { X_APP_KEY: CONSUMER.key, X_APP_SECRET: CONSUMER.secret, X_ACCESS_TOKEN: ALICE.accessToken, X_ACCESS_SECRET: ALICE.accessSecret };
let feeds: FeedServer;
let x: XLoopback;
let slowPosts = false;

beforeAll(async () => {
  feeds = await startFeedServer();
  x = await startXLoopback({
    consumer: CONSUMER,
    users: [ALICE],
    onRequest: (req) => (slowPosts && req.path === "/2/tweets" ? { kind: "delay", ms: 1500 } : undefined),
  });
});
afterAll(async () => {
  await x.close();
  await feeds.close();
});

describe("crier run", () => {
  it("finishes the send in flight on SIGTERM, exits 0, and a restart resumes with no operator step", async () => {
    let items = newsItems(10);
    feeds.setFeed("/run.xml", buildRss(items));
    const { config } = writeConfig(`
storage: { path: data/crier.db }
delivery: { intervalSchedule: "* * * * * *" }
feeds:
  - { id: run, url: "${feeds.url}/run.xml", schedule: "* * * * * *" }
destinations:
  - { id: x-main, platform: x, apiBase: "${x.url}", timeoutMs: 5000,
      appKey: "\${X_APP_KEY}", appSecret: "\${X_APP_SECRET}", accessToken: "\${X_ACCESS_TOKEN}", accessSecret: "\${X_ACCESS_SECRET}" }
routes:
  - { feed: run, to: [x-main] }
`);
    const rows = () => runCliJson<Array<{ state: string; title: string }>>(["--config", config, "deliveries", "--json"]);
    let daemon = startDaemon(config, X_ENV);
    await waitFor(async () => (await rows()).length === 10, 15_000, "the feed to be seeded");

    // A new article; the platform takes 1.5 s to answer; SIGTERM arrives mid-send.
    slowPosts = true;
    items = [...newsItems(1, { start: 11 }), ...items];
    feeds.setFeed("/run.xml", buildRss(items));
    await waitFor(() => x.requests.some((r) => r.path === "/2/tweets"), 10_000, "the post to reach the platform");
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
    expect(daemon.stderr()).toContain("stopping: finishing work in flight");
    expect(x.tweets).toHaveLength(1);
    expect((await rows()).filter((r) => r.state === "sent").map((r) => r.title)).toEqual([x.tweets[0]?.text.split("\n")[0]]);

    // Published while crier was down: the restart picks it up by itself.
    slowPosts = false;
    items = [...newsItems(1, { start: 12 }), ...items];
    feeds.setFeed("/run.xml", buildRss(items));
    daemon = startDaemon(config, X_ENV);
    await waitFor(() => x.tweets.length === 2, 15_000, "the second article to be posted after the restart");
    daemon.child.kill("SIGINT");
    expect(await daemon.exited).toBe(0);
    expect(new Set(x.tweets.map((t) => t.text)).size).toBe(2);
  }, scaled(60_000));

  it("sends a burst as fast as the platform allows: a row held by the rate gate goes out at its time, not at the next delivery schedule", async () => {
    const token = "5555555:AAF-burst-token";
    const chat = { id: -1005555555555, type: "channel" as const, username: "burst" };
    const tg = await startTelegramLoopback({ tokens: [token], chats: [chat] });
    try {
      feeds.setFeed("/burst.xml", buildRss(newsItems(4)));
      // Nothing on a schedule before next year: only the gate's own wake can send the held rows.
      const { config } = writeConfig(`
storage: { path: data/crier.db }
delivery: { intervalSchedule: "0 0 1 1 *" }
feeds:
  - { id: burst, url: "${feeds.url}/burst.xml", backlog: 4, schedule: "0 0 1 1 *" }
destinations:
  - { id: tg, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG_TOKEN}", chatId: "@${chat.username}" }
routes:
  - { feed: burst, to: [tg] }
`);
      const daemon = startDaemon(config, { TG_TOKEN: token });
      await waitFor(() => tg.messages.length === 4, 20_000, "the four articles to be posted", () => daemon.stderr());
      // Telegram allows one post a second per chat (adapters/telegram): the gate spaced them about a
      // second apart (timed at the sender: the first request also opened the connection).
      const sends = tg.harness.requests.filter((r) => r.path.endsWith("/sendMessage")).map((r) => r.receivedAt);
      expect(sends).toHaveLength(4);
      for (let i = 1; i < sends.length; i++) expect((sends[i] ?? 0) - (sends[i - 1] ?? 0)).toBeGreaterThanOrEqual(800);
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);
      const states = (await runCliJson<Array<{ state: string }>>(["--config", config, "deliveries", "--json"])).map((r) => r.state);
      expect(states).toEqual(["sent", "sent", "sent", "sent"]);
    } finally {
      await stopChildren("test", scaled(5_000));
      await tg.close();
    }
  }, scaled(60_000));
});
