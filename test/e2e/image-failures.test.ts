/**
 * An image that cannot go with the post never costs the post (README "Images"): through the built
 * CLI against the loopback platforms. An upload that keeps failing (500 every time) gets
 * `delivery.imageAttempts` tries — one per `crier poll --once`, each a new process, so the count
 * lives on the delivery row — then the post goes out without it; an image the platform refuses
 * goes without it at once. Either way the row is `sent` and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const TG = "7272727:AAI-image-failures";
const CHAT = { id: -1005555555556, type: "channel" as const, username: "imagefail" };
let feeds: FeedServer, images: ImageServer, tg: TelegramLoopback, x: XLoopback, masto: MastodonLoopback, pds: BlueskyPds;

const fail500 = { kind: "status" as const, status: 500, body: { title: "Internal Server Error", type: "about:blank", status: 500, detail: "media service down" } };

beforeAll(async () => {
  [feeds, images, tg, x, masto, pds] = await Promise.all([
    startFeedServer(),
    startImageServer({ "/photo.jpg": { type: "image/jpeg", body: await makeJpeg(1200, 800, 85) } }),
    // Telegram refuses every photo (an upload over its limit): the text goes at once.
    startTelegramLoopback({
      tokens: [TG], chats: [CHAT],
      onRequest: (r) => (r.method === "sendPhoto" ? { kind: "status", status: 413, body: { ok: false, error_code: 413, description: "Request Entity Too Large" } } : undefined),
    }),
    // X, Mastodon and Bluesky: every media upload fails with a 500; posting text works.
    startXLoopback({ consumer: CONSUMER, users: [ALICE], onRequest: (r) => (r.path.startsWith("/2/media/upload") ? fail500 : undefined) }),
    startMastodonLoopback({ onRequest: (r) => (r.path === "/api/v2/media" ? { kind: "status", status: 500, body: { error: "Error processing thumbnail for uploaded media" } } : undefined) }),
    startBlueskyPds({ fault: (r) => (r.nsid === "com.atproto.repo.uploadBlob" ? { kind: "status", status: 500, body: { error: "InternalServerError", message: "blob store down" } } : undefined) }),
  ]);
}, scaled(60_000));
afterAll(async () => {
  await Promise.all([feeds, images, tg, x, masto, pds].map((s) => s?.close()));
});

const env = () => ({
  TG, X_KEY: CONSUMER.key, X_SECRET: CONSUMER.secret, X_TOKEN: ALICE.accessToken, X_TOKEN_SECRET: ALICE.accessSecret,
  MASTO: DEFAULT_ACCOUNT.token, BSKY: pds.password,
});

interface Row { id: number; destinationId: string; state: string; reason: string | null; attempts: number; imageFailures: number }

describe("an image that cannot go with the post", () => {
  it("after imageAttempts failed uploads the post goes without it (X, Mastodon, Bluesky); a refused photo goes without at once (Telegram)", async () => {
    const items = newsItems(1, { start: 700 });
    items[0] = { ...items[0]!, content: `<p><img src="${images.url}/photo.jpg" alt="The harbour" width="1200"></p><p>Body.</p>` };
    feeds.setFeed("/image-failures.xml", buildRss(items));
    const { config } = writeConfig(`
network: { allowPrivateAddresses: true }
images: { timeoutMs: 5000 }
delivery: { retryBaseMs: 1, retryMaxMs: 1, imageAttempts: 3 }
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${feeds.url}/image-failures.xml", backlog: 1, image: { fromArticlePage: false } }
destinations:
  - { id: telegram, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG}", chatId: "@imagefail" }
  - { id: x, platform: x, apiBase: "${x.url}", appKey: "\${X_KEY}", appSecret: "\${X_SECRET}", accessToken: "\${X_TOKEN}", accessSecret: "\${X_TOKEN_SECRET}" }
  - { id: mastodon, platform: mastodon, instance: "${masto.url}", accessToken: "\${MASTO}" }
  - { id: bluesky, platform: bluesky, service: "${pds.url}", handle: "${pds.handle}", appPassword: "\${BSKY}" }
routes:
  - { feed: news, to: [telegram, x, mastodon, bluesky] }
`);
    const poll = () => runCli(["--config", config, "poll", "--once"], { env: env(), timeoutMs: 90_000 });
    const rows = async (): Promise<Map<string, Row>> => {
      const r = await runCli(["--config", config, "deliveries", "--json"], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      return new Map((JSON.parse(r.stdout) as Row[]).map((row) => [row.destinationId, row]));
    };
    const uploads = () => ({
      x: x.requests.filter((r) => r.path === "/2/media/upload/initialize").length,
      mastodon: masto.requests.filter((r) => r.path === "/api/v2/media").length,
      bluesky: pds.count("com.atproto.repo.uploadBlob"),
    });

    // Poll 1: Telegram refuses the photo and gets the text at once; the others' uploads fail once.
    const first = await poll();
    expect(first.code, first.stderr.slice(-2000)).toBe(3); // failed rows need attention
    let state = await rows();
    expect(state.get("telegram")).toMatchObject({
      state: "sent", attempts: 1, imageFailures: 1,
      reason: "posted without its image: Telegram refused the photo (413 Request Entity Too Large (the upload is larger than the Bot API takes))",
    });
    expect(tg.messages).toHaveLength(1);
    expect(tg.messages[0]?.photo).toBeUndefined();
    expect(tg.messages[0]?.text).toContain("Story 700");
    expect(tg.requests.map((r) => r.method)).toEqual(["sendPhoto", "sendMessage"]);
    for (const id of ["x", "mastodon", "bluesky"]) {
      expect(state.get(id), id).toMatchObject({ state: "failed", imageFailures: 1, reason: expect.stringContaining("(image attempt 1 of 3; then the post goes without it)") });
    }
    expect(state.get("x")?.reason).toBe("uploading the image to X failed (500 Internal Server Error: media service down) (image attempt 1 of 3; then the post goes without it)");
    expect(first.stdout).toMatch(/delivery #\d+ news -> x: failed \(uploading the image to X failed/);
    expect(uploads()).toEqual({ x: 1, mastodon: 1, bluesky: 1 });
    expect(x.tweets).toHaveLength(0);
    expect(masto.statuses).toHaveLength(0);
    expect(await pds.listPosts()).toHaveLength(0);

    // Poll 2, a new process: the row remembers the first failure.
    expect((await poll()).code).toBe(3);
    state = await rows();
    for (const id of ["x", "mastodon", "bluesky"]) expect(state.get(id), id).toMatchObject({ state: "failed", imageFailures: 2 });
    expect(uploads()).toEqual({ x: 2, mastodon: 2, bluesky: 2 });
    expect(x.tweets).toHaveLength(0);

    // Poll 3: the image's third failure; the post goes out without it, once, and says why.
    const third = await poll();
    expect(third.code, third.stderr.slice(-2000)).toBe(0);
    state = await rows();
    expect(uploads()).toEqual({ x: 3, mastodon: 3, bluesky: 3 });
    expect(x.tweets).toHaveLength(1);
    expect(x.tweets[0]).toMatchObject({ mediaIds: [] });
    expect(x.tweets[0]?.text).toContain("Story 700");
    expect(state.get("x")).toMatchObject({
      state: "sent", imageFailures: 3,
      reason: "posted without its image after 3 failed attempts: uploading the image to X failed (500 Internal Server Error: media service down)",
    });
    expect(masto.statuses).toHaveLength(1);
    expect(masto.statuses[0]).toMatchObject({ mediaIds: [] });
    expect(state.get("mastodon")).toMatchObject({ state: "sent", reason: expect.stringMatching(/^posted without its image after 3 failed attempts: uploading the image to Mastodon failed \(500/) });
    const posts = await pds.listPosts();
    expect(posts).toHaveLength(1);
    expect((posts[0]?.value as { embed?: { external?: { thumb?: unknown } } }).embed?.external?.thumb).toBeUndefined();
    expect(state.get("bluesky")).toMatchObject({ state: "sent", reason: expect.stringMatching(/^posted without its image after 3 failed attempts: uploading the image to Bluesky failed \(500/) });
    expect(third.stdout).toMatch(/delivery #\d+ news -> x: sent https:\/\/x\.com\/\S+ \(posted without its image after 3 failed attempts/);

    // Nothing more to do: a fourth poll posts nothing again.
    expect((await poll()).code).toBe(0);
    expect(x.tweets).toHaveLength(1);
    expect(masto.statuses).toHaveLength(1);
    expect(tg.messages).toHaveLength(1);
    expect(await pds.listPosts()).toHaveLength(1);
  }, scaled(300_000));
});
