/**
 * One feed to Telegram, X and the console through the built CLI, each platform a loopback server
 * that follows its public API docs (plus the third-party telegram-test-api emulator as a second
 * opinion). The delivery records must match what the servers received, exactly once each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import { startTelegramTestApi, type TelegramTestApi } from "../loopback/telegram-bot-api/third-party.js";
import { startXLoopback, type XLoopback } from "../loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../loopback/x-api/testing.js";

const TG_TOKEN = "7777777:AAHsecret-token_Value-xyz";
const CHANNEL = { id: -1001234567890, type: "channel" as const, username: "riverside_courier", title: "Riverside Courier" };
let feeds: FeedServer;
let tg: TelegramLoopback;
let tgEmulator: TelegramTestApi;
let x: XLoopback;
let x500 = false;

beforeAll(async () => {
  feeds = await startFeedServer();
  tg = await startTelegramLoopback({ tokens: [TG_TOKEN], chats: [CHANNEL] });
  tgEmulator = await startTelegramTestApi();
  x = await startXLoopback({
    consumer: CONSUMER,
    users: [ALICE],
    onRequest: (req) =>
      x500 && req.path === "/2/tweets"
        ? { kind: "status", status: 500, body: { title: "Internal Server Error", status: 500, type: "about:blank", detail: "Internal Server Error" } }
        : undefined,
  });
});
afterAll(async () => {
  await Promise.all([feeds.close(), tg.close(), tgEmulator.close(), x.close()]);
});

const env = () => ({
  TELEGRAM_BOT_TOKEN: TG_TOKEN,
  EMULATOR_TOKEN: tgEmulator.token,
  X_APP_KEY: CONSUMER.key,
  X_APP_SECRET: CONSUMER.secret,
  X_ACCESS_TOKEN: ALICE.accessToken,
  X_ACCESS_SECRET: ALICE.accessSecret,
});

function config(extraDestinations = "", extraRoutes = ""): { dir: string; config: string } {
  return writeConfig(`
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 2 }
destinations:
  - { id: telegram-main, platform: telegram, apiBase: "${tg.url}", botToken: "\${TELEGRAM_BOT_TOKEN}", chatId: "@riverside_courier" }
  - { id: telegram-emulator, platform: telegram, apiBase: "${tgEmulator.apiRoot}", botToken: "\${EMULATOR_TOKEN}", chatId: ${tgEmulator.chatId} }
  - { id: x-main, platform: x, apiBase: "${x.url}", username: alice,
      appKey: "\${X_APP_KEY}", appSecret: "\${X_APP_SECRET}", accessToken: "\${X_ACCESS_TOKEN}", accessSecret: "\${X_ACCESS_SECRET}" }
${extraDestinations}
routes:
  - { feed: news, to: [telegram-main, telegram-emulator, x-main] }
${extraRoutes}
`);
}

interface Row { id: number; state: string; destinationId: string; remoteId: string | null; remoteUrl: string | null; link: string; title: string; reason: string | null }

describe("one feed to every platform", () => {
  it("posts each new article exactly once per platform, and the records match what the platforms received", async () => {
    let items = newsItems(5);
    items[0] = { ...items[0]!, title: "Tom & Jerry <live> at the “Harbour” 🎉 — Қазақстан", categories: ["Local politics", "Қоғам"] };
    feeds.setFeed("/news.xml", buildRss(items));
    const { config: file } = config();
    const first = await runCli(["--config", file, "poll", "--once", "--json"], { env: env() });
    expect(first.code, first.stderr).toBe(0);
    items = [...newsItems(1, { start: 6 }), ...items];
    feeds.setFeed("/news.xml", buildRss(items));
    expect((await runCli(["--config", file, "poll", "--once"], { env: env() })).code).toBe(0);
    expect((await runCli(["--config", file, "poll", "--once"], { env: env() })).code).toBe(0);

    const rows = JSON.parse((await runCli(["--config", file, "deliveries", "--json", "--state", "sent"], { env: env() })).stdout) as Row[];
    const byDest = (id: string) => rows.filter((r) => r.destinationId === id);
    expect(byDest("telegram-main")).toHaveLength(3);
    expect(byDest("x-main")).toHaveLength(3);
    expect(byDest("telegram-emulator")).toHaveLength(3);

    // Telegram: one message per article, as a follower sees it, with the article as its preview.
    expect(tg.messages).toHaveLength(3);
    for (const row of byDest("telegram-main")) {
      const msg = tg.messages.find((m) => String(m.messageId) === row.remoteId);
      expect(msg, row.title).toBeDefined();
      expect(msg?.chatId).toBe(CHANNEL.id);
      expect(msg?.text?.split("\n")[0]).toBe(row.title);
      expect(msg?.text).toContain(row.link);
      expect(msg?.linkPreviewOptions).toMatchObject({ url: row.link });
      expect(row.remoteUrl).toBe(`https://t.me/riverside_courier/${row.remoteId}`);
    }
    const special = tg.messages.find((m) => m.text?.startsWith("Tom & Jerry"));
    expect(special?.entities.some((e) => e.type === "bold")).toBe(true); // <b>title</b>, escaped inside
    expect(special?.text).toContain("#LocalPolitics #Қоғам");
    // X: one post per article, within 280 as X counts.
    expect(x.tweets).toHaveLength(3);
    for (const row of byDest("x-main")) {
      const tweet = x.tweets.find((t) => t.id === row.remoteId);
      expect(tweet?.text).toContain(row.link);
      expect(tweet?.text.startsWith(row.title)).toBe(true);
      expect(row.remoteUrl).toBe(`https://x.com/alice/status/${row.remoteId}`);
    }
    // The third-party emulator (a second opinion on sendMessage) received the same three.
    const emulated = await tgEmulator.sentMessages();
    expect(emulated).toHaveLength(3);
  });

  it("keeps secrets out of logs and the database through refused connections, 401s and 500s", async () => {
    feeds.setFeed("/news.xml", buildRss(newsItems(3)));
    const { dir, config: file } = config(
      `  - { id: telegram-refused, platform: telegram, apiBase: "http://127.0.0.1:9/tg", botToken: "\${TELEGRAM_BOT_TOKEN}", chatId: 42 }
  - { id: telegram-401, platform: telegram, apiBase: "${tg.url}", botToken: "\${WRONG_TOKEN}", chatId: "@riverside_courier" }`,
      "  - { feed: news, to: [telegram-refused, telegram-401] }",
    );
    const secrets = { ...env(), WRONG_TOKEN: "9999999:AAH-not-the-right-one_42" };
    x500 = true;
    try {
      await runCli(["--config", file, "poll", "--once"], { env: secrets });
      feeds.setFeed("/news.xml", buildRss(newsItems(4)));
      const r = await runCli(["--config", file, "poll", "--once", "--json"], { env: { ...secrets } });
      expect(r.code).toBe(3);
      const deliveries = (await runCli(["--config", file, "deliveries", "--json"], { env: secrets })).stdout;
      const destinations = (await runCli(["--config", file, "destinations"], { env: secrets })).stdout;
      expect(destinations).toMatch(/telegram-401 \(telegram\): PAUSED: credentials refused/);
      expect(deliveries).toMatch(/"destinationId": "x-main"[\s\S]*"state": "uncertain"/);
      const logs = r.stderr + r.stdout + deliveries + destinations;
      const data = path.join(dir, "data");
      const dbBytes = readdirSync(data).map((f) => readFileSync(path.join(data, f)).toString("latin1")).join("");
      for (const value of Object.values(secrets).filter((v) => v.length >= 6)) {
        for (const form of [value, encodeURIComponent(value)]) {
          expect(logs, `logs contain ${form}`).not.toContain(form);
          expect(dbBytes, `database contains ${form}`).not.toContain(form);
        }
      }
    } finally {
      x500 = false;
    }
  });
});
