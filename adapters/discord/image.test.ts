// Images by URL: `style.image` becomes the embed's `image.url`
// (https://discord.com/developers/docs/resources/message#embed-object-embed-image-structure).
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { FeedItem, PostStyle, SendContext } from "../../src/core/index.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, webhookUrlOf, type DiscordLoopback } from "../../test/loopback/discord-api/server.js";
import { discordConfig } from "./config.js";
import { discordAdapter } from "./index.js";
import { DISCORD_LIMITS, discordLimits, renderDiscord, type DiscordPayload } from "./render.js";
import { codePoints } from "./text.js";

const cfg = discordConfig.parse({ webhookUrl: webhookUrlOf(DEFAULT_WEBHOOK), color: "#5865F2" });
const limits = discordLimits(cfg);
const IMAGE = { url: "https://cdn.example.org/2026/05/snow.jpg?w=1200&h=630", alt: "Snow on the peaks above Almaty" };
const style = (item: FeedItem, template: string, image?: PostStyle["image"]): PostStyle => ({ template, maxHashtags: 3, link: item.link, image });

/** Every documented embed limit, counted as Discord counts (code points); images count toward none. */
function expectWithinLimits(p: DiscordPayload): void {
  const e = p.embeds[0]!;
  const sizes = [codePoints(e.title ?? ""), codePoints(e.description ?? ""), codePoints(e.footer?.text ?? "")];
  expect(codePoints(p.content ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  expect(sizes[0]).toBeLessThanOrEqual(DISCORD_LIMITS.title);
  expect(sizes[1]).toBeLessThanOrEqual(DISCORD_LIMITS.description);
  expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
}

describe("renderDiscord with and without style.image", () => {
  const templates = ["", "{title}\n\n{summary}\n\n{link} {hashtags}", "{summary} {summary} {summary}"];
  it.each(TRICKY_ITEMS.flatMap(([name, item]) => templates.map((t) => [name, JSON.stringify(t), item, t] as const)))(
    "%s, template %s: the image is the embed's image.url; the text and its limits are unchanged",
    (_name, _t, item, template) => {
      const without = renderDiscord(item, cfg, limits, style(item, template));
      const withImage = renderDiscord(item, cfg, limits, style(item, template, IMAGE));
      expect(without.payload.embeds[0]?.image).toBeUndefined();
      expect(withImage.payload.embeds[0]?.image).toEqual({ url: IMAGE.url });
      expect(withImage.payload).toEqual({ ...without.payload, embeds: [{ ...without.payload.embeds[0], image: { url: IMAGE.url } }] });
      expect(withImage.length).toBe(without.length);
      expect(withImage.length).toBeLessThanOrEqual(limits.maxLength);
      expectWithinLimits(withImage.payload);
      expect(withImage.preview).toContain(`[image: ${IMAGE.url}]`);
      expect(JSON.parse(JSON.stringify(withImage.payload))).toEqual(withImage.payload);
    },
  );

  it.each<[string, string, string | undefined]>([
    ["https, query kept verbatim", IMAGE.url, IMAGE.url],
    ["http", "http://example.org/a.png", "http://example.org/a.png"],
    ["a non-ASCII path", "https://пример.рф/снег.jpg", "https://пример.рф/снег.jpg"],
    ["ftp: left out", "ftp://example.org/a.png", undefined],
    ["data: left out", "data:image/png;base64,iVBORw0KGgo=", undefined],
    ["javascript: left out", "javascript:alert(1)", undefined],
    ["not a URL: left out", "/images/a.png", undefined],
    ["empty: left out", "", undefined],
  ])("image url %s", (_name, url, expected) => {
    const item = TRICKY_ITEMS[0]![1];
    const r = renderDiscord(item, cfg, limits, style(item, "", { url, alt: "a" }));
    expect(r.payload.embeds[0]?.image).toEqual(expected === undefined ? undefined : { url: expected });
    expect(r.payload.embeds[0]?.url).toBe(item.link); // the article link is never displaced
  });

  it("a tight operator limit shortens the text, never the image", () => {
    const item = { ...TRICKY_ITEMS[0]![1], summary: "word ".repeat(2000) };
    const r = renderDiscord(item, cfg, { ...limits, maxLength: 120, source: "config" }, style(item, "{title}", IMAGE));
    expect(r.length).toBeLessThanOrEqual(120);
    expect(r.payload.embeds[0]?.image).toEqual({ url: IMAGE.url });
  });
});

describe("images against the loopback webhook API", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };
  const ctx = (): SendContext => ({ deliveryId: 1, idempotencyKey: "d1", queuedAt: 0, signal: AbortSignal.timeout(10_000) });

  async function open(): Promise<{ lb: DiscordLoopback; send: (p: DiscordPayload) => Promise<unknown> }> {
    const lb = await startDiscordLoopback();
    cleanup.push(() => lb.close());
    const c = discordConfig.parse({ webhookUrl: webhookUrlOf(DEFAULT_WEBHOOK), apiBase: lb.apiBase });
    const conn = await discordAdapter.connect(c, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session });
    cleanup.push(() => conn.close());
    return { lb, send: (p) => conn.send(p, ctx()) };
  }

  it("declares images by URL: capabilities.images, no imageLimits", () => {
    expect(discordAdapter.capabilities.images).toBe(true);
    expect(discordAdapter.imageLimits).toBeUndefined();
  });

  it("the stored message's embed carries the image URL, exactly as rendered", async () => {
    const { lb, send } = await open();
    const item = TRICKY_ITEMS[7]![1]; // HTML-looking text and <&>
    const { payload } = discordAdapter.render(item, cfg, limits, style(item, "{title}", IMAGE));
    await send(payload);
    const post = lb.requests.find((r) => r.method === "POST");
    expect(post?.json).toEqual(payload);
    expect(post?.ignoredFields).toEqual([]);
    expect(lb.messages[0]?.embeds).toEqual([{ ...payload.embeds[0], type: "rich" }]);
    expect(lb.messages[0]?.embeds[0]?.image).toEqual({ url: IMAGE.url });
  });

  it("negative control: an image URL Discord does not take (bypassing render) → rejected, nothing posted", async () => {
    const { lb, send } = await open();
    const err = await send({ embeds: [{ title: "t", image: { url: "ftp://example.org/a.png" } }], allowed_mentions: { parse: [] } }).catch((e: unknown) => e);
    expect(discordAdapter.classify(err)).toMatchObject({ kind: "rejected", detail: expect.stringContaining("embeds.0.image.url: Scheme \"ftp\" is not supported") });
    expect(lb.messages).toHaveLength(0);
  });
});
