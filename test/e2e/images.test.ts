/**
 * Images end to end: an article's picture (a real, oversized JPEG on a loopback web server) is
 * downloaded once, fitted per platform and attached natively — X media upload, Telegram sendPhoto,
 * Mastodon media, Bluesky link-card thumbnail — or by URL (Discord, Slack). An image that cannot be
 * had never stops the post: it goes out without, and the delivery says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { runCli, writeConfig } from "../support/cli.js";
import { makeJpeg, startImageServer, type ImageServer } from "../support/image-server.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import { startXLoopback, type XLoopback } from "../loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../loopback/x-api/testing.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type MastodonLoopback } from "../loopback/mastodon-api/server.js";
import { startBlueskyPds, type BlueskyPds } from "../loopback/bluesky-pds/server.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, webhookUrlOf, type DiscordLoopback } from "../loopback/discord-api/server.js";
import { DEFAULT_BOT, startSlackLoopback, type SlackLoopback } from "../loopback/slack-api/server.js";

const TG = "7171717:AAI-images-token";
let feeds: FeedServer, images: ImageServer, tg: TelegramLoopback, x: XLoopback, masto: MastodonLoopback, pds: BlueskyPds, discord: DiscordLoopback, slack: SlackLoopback;
let photo: Buffer;

beforeAll(async () => {
  photo = await makeJpeg(4000, 3000, 95); // several MB: over every platform's limit
  [feeds, images, tg, x, masto, pds, discord, slack] = await Promise.all([
    startFeedServer(),
    startImageServer({ "/photo.jpg": { type: "image/jpeg", body: photo }, "/page.html": { type: "text/html", body: "<p>not an image</p>" } }),
    startTelegramLoopback({ tokens: [TG], chats: [{ id: -1005555555555, type: "channel", username: "images" }] }),
    startXLoopback({ consumer: CONSUMER, users: [ALICE] }),
    startMastodonLoopback(),
    startBlueskyPds(),
    startDiscordLoopback(),
    startSlackLoopback(),
  ]);
}, scaled(60_000));
afterAll(async () => {
  await Promise.all([feeds, images, tg, x, masto, pds, discord, slack].map((s) => s?.close()));
});

const env = () => ({
  TG, X_KEY: CONSUMER.key, X_SECRET: CONSUMER.secret, X_TOKEN: ALICE.accessToken, X_TOKEN_SECRET: ALICE.accessSecret,
  MASTO: DEFAULT_ACCOUNT.token, BSKY: pds.password, DISCORD: webhookUrlOf(DEFAULT_WEBHOOK), SLACK: DEFAULT_BOT.token,
});

function config(allowPrivate: boolean): string {
  return writeConfig(`
network: { allowPrivateAddresses: ${allowPrivate} }
images: { timeoutMs: 5000 }
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${feeds.url}/images-${allowPrivate}.xml", backlog: 1, image: { fromArticlePage: false } }
destinations:
  - { id: telegram, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG}", chatId: "@images" }
  - { id: x, platform: x, apiBase: "${x.url}", appKey: "\${X_KEY}", appSecret: "\${X_SECRET}", accessToken: "\${X_TOKEN}", accessSecret: "\${X_TOKEN_SECRET}" }
  - { id: mastodon, platform: mastodon, instance: "${masto.url}", accessToken: "\${MASTO}" }
  - { id: bluesky, platform: bluesky, service: "${pds.url}", handle: "${pds.handle}", appPassword: "\${BSKY}" }
  - { id: discord, platform: discord, apiBase: "${discord.apiBase}", webhookUrl: "\${DISCORD}" }
  - { id: slack, platform: slack, apiBase: "${slack.apiBase}", botToken: "\${SLACK}", channel: C0NEWS0001 }
routes:
  - { feed: news, to: [telegram, x, mastodon, bluesky, discord, slack] }
`).config;
}

describe("article images", () => {
  it("attaches the article's picture on every platform, fitted to each platform's limits", async () => {
    const items = newsItems(2);
    items[0] = { ...items[0]!, content: `<p><img src="${images.url}/photo.jpg" alt="The harbour at dawn" width="4000"></p><p>Body.</p>` };
    feeds.setFeed("/images-true.xml", buildRss(items));
    const r = await runCli(["--config", config(true), "poll", "--once", "--json"], { env: env(), timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(images.hits.filter((h) => h === "/photo.jpg")).toHaveLength(1); // downloaded once for six destinations

    // X: the uploaded media is a JPEG within 5 MB, and the post references it.
    expect(x.tweets).toHaveLength(1);
    expect(x.tweets[0]?.mediaIds).toHaveLength(1);
    const xMedia = x.media.find((m) => m.id === x.tweets[0]?.mediaIds[0]);
    expect(xMedia?.finalized).toBe(true);
    expect(xMedia?.bytes.length).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect((await sharp(xMedia?.bytes).metadata()).format).toBe("jpeg");
    // Telegram: a photo with the post as its HTML caption, within 10 MB and 10,000 px.
    const tgMsg = tg.messages[0];
    expect(tgMsg?.photo?.bytes.length).toBeGreaterThan(1000);
    expect(tgMsg?.caption).toContain("Story 2");
    // Mastodon: one status with one media attachment described by the image's alt text.
    expect(masto.statuses).toHaveLength(1);
    expect(JSON.stringify(masto.statuses[0])).toMatch(/media/i);
    // Bluesky: the link card has the uploaded blob as its thumbnail (at most 1,000,000 bytes).
    const [post] = await pds.listPosts();
    const thumb = (post?.value as { embed?: { external?: { thumb?: { size?: number; mimeType?: string } } } }).embed?.external?.thumb;
    expect(thumb?.mimeType).toMatch(/^image\/(jpeg|png)$/);
    expect(thumb?.size).toBeLessThanOrEqual(1_000_000);
    // Discord and Slack: the image by URL.
    expect(JSON.stringify(discord.messages[0])).toContain(`${images.url}/photo.jpg`);
    expect(JSON.stringify(slack.messages[0])).toContain(`${images.url}/photo.jpg`);
  }, scaled(120_000));

  it("posts without the image, and records why, when the image is on a private address or is no image", async () => {
    const items = newsItems(2, { start: 50 }); // other articles than the first case: the platforms refuse duplicate text
    items[0] = { ...items[0]!, content: `<p><img src="${images.url}/photo.jpg" alt="x" width="4000"></p>` };
    feeds.setFeed("/images-false.xml", buildRss(items));
    const file = config(false);
    const r = await runCli(["--config", file, "poll", "--once", "--json"], { env: env(), timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const rows = JSON.parse((await runCli(["--config", file, "deliveries", "--json", "--state", "sent"], { env: env() })).stdout) as Array<{ destinationId: string; reason: string | null }>;
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.reason, row.destinationId).toMatch(/^posted without an image: .*refused: 127\.0\.0\.1 is a private address/);
  }, scaled(120_000));
});
