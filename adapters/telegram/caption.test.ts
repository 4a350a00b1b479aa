// Render with an image (style.image): the post as a photo caption within 1024, as Telegram counts
// after entity parsing, in both longCaption modes. Checked with the loopback server's own parser.
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { parseHtml } from "../../test/loopback/telegram-bot-api/html.js";
import { telegramConfig } from "./config.js";
import { escapeHtml } from "./html.js";
import { renderTelegram, TELEGRAM_DEFAULT_TEMPLATE, telegramLimits } from "./render.js";

const LINK = "https://news.example.kz/2024/05/article?id=42&lang=kk";
const IMAGE = { url: "https://news.example.kz/snow.jpg", alt: "Snow" };
const config = (longCaption?: string) => telegramConfig.parse({ botToken: "123456:ABC-DEF", chatId: "@crier_news", ...(longCaption ? { longCaption } : {}) });
const limits = telegramLimits(config());
const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news", guid: "g1", link: LINK, title: "Title", summary: "Summary.", author: null, categories: [], imageUrl: null, publishedAt: null, ...over,
});
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: TELEGRAM_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, image: IMAGE, ...over });
const words = (s: string, n: number) => Array.from({ length: n }, () => s).join(" ");

const LONG: Array<[string, Partial<FeedItem>]> = [
  ["a 10,000-character summary", { summary: "word ".repeat(2000).trim() }],
  ["a 400-character title", { title: "Long ".repeat(80).trim(), summary: words("Text.", 300) }],
  ["Kazakh Cyrillic", { title: "Қазақстанда жаңа заң қабылданды", summary: words("Өңірлердегі ұйымдар үшін маңызды өзгерістер.", 100) }],
  ["CJK", { title: "東京で新しい図書館が開館", summary: words("市民は無料で利用できます。", 300) }],
  ["emoji ZWJ sequences (UTF-16 heavy)", { title: "👩‍👩‍👧‍👦 Family day", summary: words("👨‍👩‍👧 👍🏿 🇰🇿", 400) }],
  ["< and & that grow when escaped", { title: "AT&T <b> & 1 < 2", summary: words("<&> \"q\"", 600) }],
  ["several URLs", { summary: words("See https://a.example/x?y=1&z=2 and https://b.example/path_(1) too.", 60) }],
];

describe("renderTelegram with an image", () => {
  it("a post that fits a caption becomes the photo's caption as is", () => {
    const out = renderTelegram(item(), config(), limits, style());
    expect(out.payload.kind).toBe("photo");
    if (out.payload.kind !== "photo") return;
    expect(out.payload.caption).toBe(out.payload.fallback.text);
    expect(out.payload).toMatchObject({ chatId: "@crier_news", parseMode: "HTML", disableNotification: false });
    expect(out.payload.fallback).toMatchObject({ kind: "message", linkPreview: { isDisabled: false, url: LINK } });
    expect(out.preview).toBe(parseHtml(out.payload.caption).text);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it.each(LONG)("short-caption, %s: photo with a caption ≤ 1024 after parsing, link intact", (_name, over) => {
    const out = renderTelegram(item(over), config("short-caption"), limits, style());
    expect(out.payload.kind).toBe("photo");
    if (out.payload.kind !== "photo") return;
    const parsed = parseHtml(out.payload.caption).text;
    expect(parsed.length).toBeLessThanOrEqual(1024);
    expect(out.length).toBe(parsed.length);
    expect(out.preview).toBe(parsed);
    expect(parsed).toContain(LINK);
    // The text message kept for a refused photo is the full post, up to 4096.
    const full = parseHtml(out.payload.fallback.text).text;
    expect(full.length).toBeGreaterThan(1024);
    expect(full.length).toBeLessThanOrEqual(4096);
    expect(out.payload.fallback.text).toContain(escapeHtml(LINK));
  });

  it.each(LONG)("text-with-preview, %s: a text message with the link preview, the image left out", (_name, over) => {
    const out = renderTelegram(item(over), config("text-with-preview"), limits, style());
    expect(out.payload.kind).toBe("message");
    if (out.payload.kind !== "message") return;
    expect(parseHtml(out.payload.text).text.length).toBeLessThanOrEqual(4096);
    expect(out.payload.linkPreview).toEqual({ isDisabled: false, url: LINK });
    expect(out.payload.imageLeftOut).toMatch(/longer than a photo caption \(1024\); longCaption is text-with-preview/);
  });

  it("text-with-preview still sends a photo when the post fits a caption", () => {
    expect(renderTelegram(item(), config("text-with-preview"), limits, style()).payload.kind).toBe("photo");
  });

  it("a destination maxLength below 1024 bounds the caption too", () => {
    const out = renderTelegram(item({ summary: "word ".repeat(2000) }), config(), { ...limits, maxLength: 300 }, style());
    expect(out.payload.kind).toBe("photo");
    expect(out.length).toBeLessThanOrEqual(300);
    if (out.payload.kind === "photo") expect(parseHtml(out.payload.fallback.text).text.length).toBeLessThanOrEqual(300);
  });

  it("a link too long for any caption → a text message, saying why", () => {
    const link = `https://news.example.kz/${"segment/".repeat(140)}`;
    const out = renderTelegram(item({ link }), config(), limits, style({ link }));
    expect(out.payload).toMatchObject({ kind: "message", imageLeftOut: expect.stringMatching(/not even the link fits/) });
  });

  it("without style.image nothing changes: a text message, no imageLeftOut", () => {
    const out = renderTelegram(item({ summary: "word ".repeat(2000) }), config("text-with-preview"), limits, style({ image: undefined }));
    expect(out.payload.kind).toBe("message");
    expect(out.payload).not.toHaveProperty("imageLeftOut");
  });

  it("still refuses an item with nothing to post", () => {
    expect(() => renderTelegram(item({ title: "", summary: "", link: null }), config(), limits, style({ link: null }))).toThrow(RenderError);
  });
});
