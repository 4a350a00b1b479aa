/**
 * One feed to all seven adapters through the built CLI, each on its loopback platform (Bluesky on
 * a real offline PDS): every article exactly once on every platform, and the delivery log
 * agrees with what each platform holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled } from "../support/timing.js";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import { startXLoopback, type XLoopback } from "../loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../loopback/x-api/testing.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type MastodonLoopback } from "../loopback/mastodon-api/server.js";
import { startBlueskyPds, type BlueskyPds } from "../loopback/bluesky-pds/server.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, webhookUrlOf, type DiscordLoopback } from "../loopback/discord-api/server.js";
import { DEFAULT_BOT, startSlackLoopback, type SlackLoopback } from "../loopback/slack-api/server.js";

const TG_TOKEN = "6666666:AAG-all-platforms-token";
let feeds: FeedServer, tg: TelegramLoopback, x: XLoopback, masto: MastodonLoopback, pds: BlueskyPds, discord: DiscordLoopback, slack: SlackLoopback;

beforeAll(async () => {
  [feeds, tg, x, masto, pds, discord, slack] = await Promise.all([
    startFeedServer(),
    startTelegramLoopback({ tokens: [TG_TOKEN], chats: [{ id: -1004444444444, type: "channel", username: "allplatforms" }] }),
    startXLoopback({ consumer: CONSUMER, users: [ALICE] }),
    startMastodonLoopback(),
    startBlueskyPds(),
    startDiscordLoopback(),
    startSlackLoopback(),
  ]);
}, scaled(60_000));
afterAll(async () => {
  await Promise.all([feeds, tg, x, masto, pds, discord, slack].map((s) => s?.close()));
});

describe("one feed to all seven adapters", () => {
  it("posts every new article exactly once on every platform, as recorded", async () => {
    let items = newsItems(4);
    feeds.setFeed("/news.xml", buildRss(items));
    const env = {
      TG: TG_TOKEN, X_KEY: CONSUMER.key, X_SECRET: CONSUMER.secret, X_TOKEN: ALICE.accessToken, X_TOKEN_SECRET: ALICE.accessSecret,
      MASTO: DEFAULT_ACCOUNT.token, BSKY: pds.password, DISCORD: webhookUrlOf(DEFAULT_WEBHOOK), SLACK: DEFAULT_BOT.token,
    };
    const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 1 }
destinations:
  - { id: console, platform: console, output: stderr, file: posts.jsonl }
  - { id: telegram, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG}", chatId: "@allplatforms" }
  - { id: x, platform: x, apiBase: "${x.url}", appKey: "\${X_KEY}", appSecret: "\${X_SECRET}", accessToken: "\${X_TOKEN}", accessSecret: "\${X_TOKEN_SECRET}" }
  - { id: mastodon, platform: mastodon, instance: "${masto.url}", accessToken: "\${MASTO}" }
  - { id: bluesky, platform: bluesky, service: "${pds.url}", handle: "${pds.handle}", appPassword: "\${BSKY}" }
  - { id: discord, platform: discord, apiBase: "${discord.apiBase}", webhookUrl: "\${DISCORD}" }
  - { id: slack, platform: slack, apiBase: "${slack.apiBase}", botToken: "\${SLACK}", channel: C0NEWS0001 }
routes:
  - { feed: news, to: [console, telegram, x, mastodon, bluesky, discord, slack] }
`);
    const poll = async () => {
      const r = await runCli(["--config", config, "poll", "--once", "--json"], { env, timeoutMs: 90_000 });
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      return r;
    };
    await poll(); // first run: the newest article everywhere, the rest recorded
    items = [...newsItems(2, { start: 5 }), ...items];
    feeds.setFeed("/news.xml", buildRss(items));
    await poll();
    await poll(); // nothing new: nothing posted

    const rows = JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--state", "sent"], { env })).stdout) as Array<{
      destinationId: string; remoteId: string; remoteUrl: string | null; link: string;
    }>;
    const of = (d: string) => rows.filter((r) => r.destinationId === d);
    for (const d of ["console", "telegram", "x", "mastodon", "bluesky", "discord", "slack"]) expect(of(d), d).toHaveLength(3);

    const links = new Set(rows.map((r) => r.link));
    expect(links.size).toBe(3);
    // What each platform holds: three posts, one per article, matching the recorded ids.
    expect(jsonLines(readFileSync(path.join(dir, "posts.jsonl"), "utf8")).map((p) => p.remoteId).sort()).toEqual(of("console").map((r) => r.remoteId).sort());
    expect(tg.messages.map((m) => String(m.messageId)).sort()).toEqual(of("telegram").map((r) => r.remoteId).sort());
    expect(x.tweets.map((t) => t.id).sort()).toEqual(of("x").map((r) => r.remoteId).sort());
    expect(masto.statuses.map((s) => s.id).sort()).toEqual(of("mastodon").map((r) => r.remoteId).sort());
    expect(discord.messages.map((m) => m.id).sort()).toEqual(of("discord").map((r) => r.remoteId).sort());
    expect(slack.messages.map((m) => `${m.channel}/${m.ts}`).sort()).toEqual(of("slack").map((r) => r.remoteId).sort());
    const bsky = await pds.listPosts();
    expect(bsky.map((p) => p.uri).sort()).toEqual(of("bluesky").map((r) => r.remoteId).sort());
    for (const link of links) {
      expect(tg.messages.filter((m) => m.text?.includes(link))).toHaveLength(1);
      expect(x.tweets.filter((t) => t.text.includes(link))).toHaveLength(1);
      expect(masto.statuses.filter((s) => s.text.includes(link))).toHaveLength(1);
      expect(bsky.filter((p) => JSON.stringify(p.value).includes(link))).toHaveLength(1);
    }

    // Credentials check with a harmless call, per platform.
    for (const [dest, who] of [["telegram", /ok: @/], ["x", /ok: @alice/], ["mastodon", /ok: @crier/], ["bluesky", new RegExp(`ok: .*${pds.handle}`)], ["slack", /ok: /], ["discord", /ok: /]] as const) {
      const r = await runCli(["--config", config, "check", dest], { env });
      expect(r.stdout, dest).toMatch(who);
      expect(r.code, dest).toBe(0);
    }

    // Retract a post that went out wrong: deleted on the platform, recorded as deleted.
    for (const dest of ["telegram", "x", "mastodon", "bluesky", "discord"]) {
      const row = of(dest)[0] as { id?: number; remoteId: string };
      const all = JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--destination", dest, "--state", "sent"], { env })).stdout) as Array<{ id: number; remoteId: string }>;
      const target = all.find((r) => r.remoteId === row.remoteId);
      const r = await runCli(["--config", config, "unpost", String(target?.id)], { env });
      expect(r.code, `${dest}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/deleted/);
    }
    expect(tg.messages.filter((m) => m.deleted)).toHaveLength(1);
    expect(x.tweets.filter((t) => t.deleted)).toHaveLength(1);
    expect(masto.statuses.filter((st) => st.deleted)).toHaveLength(1);
    expect(await pds.listPosts()).toHaveLength(2);
    expect(JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--state", "deleted"], { env })).stdout)).toHaveLength(5);

    // Bluesky's session outlives the process in a 0600 file under the data folder, never in the database.
    const sessionFile = path.join(dir, "data", "sessions", "bluesky.session");
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);
    const session = readFileSync(sessionFile, "utf8");
    const jwt = /"accessJwt"\s*:\s*"([^"]+)"/.exec(session)?.[1];
    expect(jwt).toBeTruthy();
    const db = readdirSync(path.join(dir, "data")).filter((f) => f.startsWith("crier.db")).map((f) => readFileSync(path.join(dir, "data", f)).toString("latin1")).join("");
    expect(db).not.toContain(jwt);
    for (const secret of Object.values(env)) expect(db).not.toContain(secret);
  }, scaled(120_000));
});
