// Images by URL: `style.image` becomes the section's image accessory (image.ts says why not an image block).
import { afterEach, describe, expect, it } from "vitest";
import type { FeedItem, PostStyle, SendContext } from "../../src/core/index.js";
import { graphemes } from "../../src/text/graphemes.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { startSlackLoopback, type SlackLoopback, type SlackLoopbackOptions } from "../../test/loopback/slack-api/server.js";
import { slackConfig } from "./config.js";
import { testDeps } from "./fixtures/replay.js";
import { SLACK_ALT_TEXT_FALLBACK, SLACK_ALT_TEXT_MAX, SLACK_IMAGE_URL_MAX, fitAltText } from "./image.js";
import { slackAdapter } from "./index.js";
import { SLACK_DEFAULT_TEMPLATE, SLACK_SECTION_MAX, renderSlack, slackLimits, type SlackPayload } from "./render.js";

const cfg = slackConfig.parse({ botToken: "xoxb-1-abc", channel: "C0NEWS0001" });
const limits = slackLimits(cfg);
const IMAGE = { url: "https://cdn.example.org/2026/05/snow.jpg?w=1200&h=630", alt: "Snow on the peaks above Almaty" };
const style = (item: FeedItem, template = SLACK_DEFAULT_TEMPLATE, image?: PostStyle["image"]): PostStyle => ({ template, maxHashtags: 3, link: item.link, image });
const base = TRICKY_ITEMS[0]![1];
const accessoryOf = (p: SlackPayload) => p.blocks[0].accessory;

describe("renderSlack with and without style.image", () => {
  const templates = [SLACK_DEFAULT_TEMPLATE, "{title} {link}", "{title}\n{summary} {summary}\n{link}"];
  it.each(TRICKY_ITEMS.flatMap(([name, item]) => templates.map((t) => [name, JSON.stringify(t), item, t] as const)))(
    "%s, template %s: the image is the section's accessory; text, length and limits unchanged",
    (_name, _t, item, template) => {
      const without = renderSlack(item, cfg, limits, style(item, template));
      const withImage = renderSlack(item, cfg, limits, style(item, template, IMAGE));
      expect(accessoryOf(without.payload)).toBeUndefined();
      expect(accessoryOf(withImage.payload)).toEqual({ type: "image", image_url: IMAGE.url, alt_text: IMAGE.alt });
      expect(withImage.payload).toEqual({ ...without.payload, blocks: [{ ...without.payload.blocks[0], accessory: accessoryOf(withImage.payload) }] });
      expect(withImage.payload.blocks).toHaveLength(1);
      expect(withImage.length).toBe(without.length);
      expect(withImage.length).toBeLessThanOrEqual(Math.min(limits.maxLength, SLACK_SECTION_MAX));
      expect(withImage.preview).toBe(`${without.preview}\n[image: ${IMAGE.alt} (${IMAGE.url})]`);
      expect(JSON.parse(JSON.stringify(withImage.payload))).toEqual(withImage.payload);
    },
  );

  const longUrl = (n: number) => `https://e.org/${"a".repeat(n - 14)}`;
  it.each<[string, string, boolean]>([
    ["https, query kept verbatim", IMAGE.url, true],
    ["http", "http://example.org/a.png", true],
    ["exactly 3,000 characters", longUrl(SLACK_IMAGE_URL_MAX), true],
    ["3,001 characters: left out", longUrl(SLACK_IMAGE_URL_MAX + 1), false],
    ["ftp: left out", "ftp://example.org/a.png", false],
    ["data: left out", "data:image/png;base64,iVBORw0KGgo=", false],
    ["not a URL: left out", "/images/a.png", false],
  ])("image url %s", (_name, url, kept) => {
    const r = renderSlack(base, cfg, limits, style(base, SLACK_DEFAULT_TEMPLATE, { url, alt: "a" }));
    expect(accessoryOf(r.payload)?.image_url).toBe(kept ? url : undefined);
    expect(r.payload.text).toBe(renderSlack(base, cfg, limits, style(base)).payload.text); // the post goes out either way
  });
});

describe("alt text: required by Slack, at most 2,000 characters, plain", () => {
  const family = "👩‍👩‍👧‍👦"; // one grapheme, 11 UTF-16 units
  it.each<[string, string, string]>([
    ["kept as given", "Snow on the peaks", "Snow on the peaks"],
    ["<&> kept raw: a string, not mrkdwn", "AT&T <b>bold</b> 5 > 3", "AT&T <b>bold</b> 5 > 3"],
    ["line breaks and runs of spaces made one space", "  Snow\n\n on   the\tpeaks ", "Snow on the peaks"],
    ["empty: a fallback, since Slack requires one", "", SLACK_ALT_TEXT_FALLBACK],
    ["blank: the fallback", " \n\t", SLACK_ALT_TEXT_FALLBACK],
    ["exactly 2,000", "a".repeat(2000), "a".repeat(2000)],
  ])("%s", (_name, alt, expected) => expect(fitAltText(alt)).toBe(expected));

  it.each<[string, string]>([
    ["5,000 Latin characters", "Snow on the peaks. ".repeat(264)],
    ["400 family emoji (4,400 UTF-16 units)", family.repeat(400)],
    ["flags, 2 code points and 4 units each", "🇰🇿".repeat(700)],
    ["Cyrillic and CJK", "Снег в горах 東京の雪 ".repeat(200)],
  ])("%s: cut to ≤ 2,000 UTF-16 units, between graphemes (at a sentence end, or with an ellipsis)", (_name, alt) => {
    const out = fitAltText(alt);
    expect(out.length).toBeLessThanOrEqual(SLACK_ALT_TEXT_MAX);
    expect(out.length).toBeGreaterThan(SLACK_ALT_TEXT_MAX * 0.8);
    const body = out.replace(/…$/u, "");
    expect(out.endsWith("…") || /[.!?]$/u.test(out)).toBe(true);
    expect(graphemes(alt.replace(/\s+/gu, " ")).slice(0, graphemes(body).length).join("")).toBe(body);
    const r = renderSlack(base, cfg, limits, style(base, SLACK_DEFAULT_TEMPLATE, { url: IMAGE.url, alt }));
    expect(accessoryOf(r.payload)?.alt_text).toBe(out);
  });
});

describe("images against the Slack loopback", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((f) => f()));
  });
  const ctx = (): SendContext => ({ deliveryId: 7, idempotencyKey: "crier-7", queuedAt: 0, signal: AbortSignal.timeout(5_000) });
  const modes = {
    bot: (lb: SlackLoopback) => ({ botToken: lb.bot.token, channel: "C0NEWS0001", apiBase: lb.apiBase }),
    webhook: (lb: SlackLoopback) => ({ webhookUrl: lb.webhookUrl(), webhookBase: lb.url }),
  };

  async function open(mode: keyof typeof modes, opts: SlackLoopbackOptions = {}) {
    const lb = await startSlackLoopback(opts);
    cleanup.push(() => lb.close());
    const c = slackConfig.parse(modes[mode](lb));
    const conn = await slackAdapter.connect(c, testDeps());
    cleanup.push(() => conn.close());
    const item = TRICKY_ITEMS[7]![1]; // HTML-looking text and <&>
    const { payload } = slackAdapter.render(item, c, conn.limits, style(item, SLACK_DEFAULT_TEMPLATE, { url: IMAGE.url, alt: item.title }));
    return { lb, payload, send: (p: SlackPayload) => conn.send(p, ctx()) };
  }

  it("declares images by URL: capabilities.images, no imageLimits", () => {
    expect(slackAdapter.capabilities.images).toBe(true);
    expect(slackAdapter.imageLimits).toBeUndefined();
  });

  it.each(["bot", "webhook"] as const)("%s: the stored message carries the image URL and alt text, as rendered", async (mode) => {
    const { lb, payload, send } = await open(mode);
    await send(payload);
    const stored = lb.messages[0]!;
    expect(stored.blocks).toEqual(payload.blocks);
    expect((stored.blocks?.[0] as { accessory?: unknown }).accessory).toEqual({ type: "image", image_url: IMAGE.url, alt_text: TRICKY_ITEMS[7]![1].title });
    expect(stored.text).toBe(payload.text);
  });

  it.each(["bot", "webhook"] as const)("%s: an image Slack cannot download still posts (accessory, not image block)", async (mode) => {
    const { lb, payload, send } = await open(mode, { unreachableImage: () => true });
    await send(payload);
    expect(lb.messages).toHaveLength(1);
  });

  it.each(["bot", "webhook"] as const)("%s negative control: an image without alt_text (bypassing render) → rejected, nothing posted", async (mode) => {
    const { lb, payload, send } = await open(mode);
    const bad = { ...payload, blocks: [{ ...payload.blocks[0], accessory: { type: "image", image_url: IMAGE.url } }] } as unknown as SlackPayload;
    const err = await send(bad).then(() => expect.fail("the send should have failed"), (e: unknown) => e);
    expect(slackAdapter.classify(err)).toMatchObject({ kind: "rejected", detail: expect.stringContaining("invalid_blocks") });
    expect(lb.messages).toHaveLength(0);
  });
});
