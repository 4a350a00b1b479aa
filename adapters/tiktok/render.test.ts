import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { tiktokConfig } from "./config.js";
import { fitTitle, measureTikTok, renderTikTok, TIKTOK_DEFAULT_TEMPLATE, tiktokLimits } from "./render.js";

const cfg = tiktokConfig.parse({ clientKey: "awclientkey", clientSecret: "${S}", refreshToken: "${R}", verifiedDomain: "media.example.org" });
const withFallback = tiktokConfig.parse({ ...cfg, fallbackImageUrl: "https://media.example.org/crier/card.jpg" });
const item: FeedItem = {
  feedId: "news", guid: "1", link: "https://news.example.org/2026/12/01/story/?p=1", title: "Council approves the new bridge",
  summary: "The vote was 7 to 2.", author: "Desk", categories: ["Local news", "Transport"], imageUrl: "https://news.example.org/a.jpg", publishedAt: null,
};
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: TIKTOK_DEFAULT_TEMPLATE, maxHashtags: 3, link: item.link, image: { url: "https://news.example.org/a.jpg", alt: "The bridge" }, ...over });
const render = (i: Partial<FeedItem> = {}, s: Partial<PostStyle> = {}, c = cfg) => renderTikTok({ ...item, ...i }, c, tiktokLimits(), style(s));
const family = "👩‍👩‍👧‍👦"; // 7 code points, 11 UTF-16 code units, one grapheme

describe("render: TikTok counts UTF-16 code units (photo-post reference: 90 for the title, 4000 for the description)", () => {
  it.each<[string, string, number]>([
    ["ASCII", "abc", 3],
    ["Cyrillic", "Қазақстан", 9],
    ["CJK", "東京", 2],
    ["an emoji outside the BMP", "😀", 2],
    ["a ZWJ family", family, 11],
    ["a flag", "🇰🇿", 4],
    ["a combining accent", "e\u0301", 2],
  ])("%s: %s counts %d", (_n, text, units) => expect(measureTikTok(text)).toBe(units));

  it.each<[string, string, number]>([
    ["a 400-character title", "lorem0 lorem1 lorem2 lorem3 ".repeat(15).slice(0, 400), 90],
    ["a title of ZWJ families", `${family} `.repeat(20), 90],
    ["a Cyrillic title", "Қазақстан жаңалықтары: Астанада жаңа саябақ ашылды және тағы да көп нәрсе болды бүгін кешке", 90],
    ["a CJK title", "東京で新しい図書館が開館しました".repeat(8), 90],
    ["a short title", "Council approves the new bridge", 31],
  ])("%s fits the title's 90 units, graphemes kept whole", (_n, title, max) => {
    const { payload } = render({ title });
    expect(measureTikTok(payload.title)).toBeLessThanOrEqual(max);
    if (title.length > 90) expect(payload.title.endsWith("…")).toBe(true);
    expect(payload.title.replace(/…$/, "").normalize()).toBe(title.slice(0, payload.title.length - (title.length > 90 ? 1 : 0)).normalize());
    expect(/[\uD800-\uDBFF]$/.test(payload.title.replace(/…$/, ""))).toBe(false);
  });

  it("HTML and <&> in titles and summaries stay as typed: TikTok shows plain text", () => {
    const { payload } = render({ title: `AT&T <b>bold</b> "quotes" 5 > 3`, summary: "Use <i>tags</i> & &amp;" });
    expect(payload.title).toBe(`AT&T <b>bold</b> "quotes" 5 > 3`);
    expect(payload.description).toContain("Use <i>tags</i> & &amp;");
  });

  it("the description: summary, link, hashtags; several URLs in the summary are kept or dropped whole, the link never cut", () => {
    const summary = `See https://example.com/a and http://example.org/b?x=1&y=2. ${"More text. ".repeat(500)}https://example.net/end`;
    const { payload, length } = render({ summary });
    expect(length).toBe(payload.description.length);
    expect(length).toBeLessThanOrEqual(4000);
    expect(payload.description).toContain(`\n\n${item.link}\n\n#LocalNews #Transport`);
    expect(payload.description).not.toMatch(/https:\/\/example\.net\/e(?!nd)/);
  });

  it.each<[string, string]>([
    ["emoji", "👍🏽 ".repeat(3000)],
    ["ZWJ families", `${family} `.repeat(1000)],
    ["Cyrillic", "Школа в Заречье получит новый спортзал. ".repeat(200)],
  ])("a long %s summary is cut to fit 4000 units with the link whole", (_n, summary) => {
    const { payload } = render({ summary });
    expect(measureTikTok(payload.description)).toBeLessThanOrEqual(4000);
    expect(payload.description).toContain(item.link);
  });

  it("a tighter operator limit is honoured; the title does not count against it", () => {
    const limits = { ...tiktokLimits(), maxLength: 120, source: "config" as const };
    const r = renderTikTok({ ...item, summary: "word ".repeat(200) }, cfg, limits, style());
    expect(r.length).toBeLessThanOrEqual(120);
    expect(r.payload.description).toContain(item.link);
  });

  it("property: any title fits 90 units, any description 4000, the link intact", () => {
    const piece = fc.constantFrom("word", "Қазақ", "東京", family, "🇰🇿", "é", "\u0301", "<&>", "x".repeat(300), " ", "\n");
    const text = fc.array(piece, { maxLength: 80 }).map((p) => p.join(""));
    fc.assert(fc.property(text, text, (title, summary) => {
      const { payload } = render({ title, summary });
      return measureTikTok(payload.title) <= 90 && measureTikTok(payload.description) <= 4000 && payload.description.includes(item.link ?? "");
    }), { numRuns: 80 });
  });
});

describe("render: the picture", () => {
  it("the article's picture is pulled from ctx.image.publicUrl at send time", () => {
    const r = render();
    expect(r.payload.photo).toEqual({ source: "attached" });
    expect(r.preview).toBe(`Council approves the new bridge\n\nThe vote was 7 to 2.\n\n${item.link}\n\n#LocalNews #Transport\n\n[picture: The bridge]`);
  });

  it("without one, the configured fallback; without that, no post (RenderError: the core skips the article)", () => {
    expect(render({}, { image: undefined }, withFallback).payload.photo).toEqual({ source: "fallback", url: "https://media.example.org/crier/card.jpg" });
    expect(() => render({}, { image: undefined })).toThrow(RenderError);
    expect(() => render({}, { image: undefined })).toThrow(/needs a picture.*fallbackImageUrl/);
  });

  it("nothing to say is refused", () => {
    expect(() => render({ title: "", summary: "" }, { link: null, hashtags: [] }, cfg)).toThrow(/nothing to post/);
  });

  it("fitTitle folds whitespace and never splits a surrogate pair", () => {
    expect(fitTitle("  a \n b  ")).toBe("a b");
    expect(fitTitle("😀".repeat(60))).toBe(`${"😀".repeat(44)}…`);
  });
});
