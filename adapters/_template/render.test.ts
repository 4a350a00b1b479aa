// Table-driven tests of the pure render. COPYING: keep the golden rows (they are the STYLE.md
// habits), change the expectations to the platform's counting and markup.
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { exampleConfig } from "./config.js";
import { EXAMPLE_DEFAULT_TEMPLATE, exampleLimits, measureExample, renderExample } from "./render.js";

const cfg = exampleConfig.parse({ token: "ex-token-0123456789abcdef", channel: "news" });
const limits = exampleLimits(cfg);
const LINK = "https://news.example.org/2026/05/a-story?id=42&lang=kk";

const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news", guid: "g1", link: LINK, title: "Title", summary: "Summary.", author: null,
  categories: [], imageUrl: null, publishedAt: null, ...over,
});
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: EXAMPLE_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, ...over });

describe("measureExample: Unicode code points", () => {
  it.each<[string, string, number]>([
    ["ASCII", "hello", 5],
    ["Cyrillic", "Қазақстан", 9],
    ["CJK", "東京", 2],
    ["an emoji with a skin tone", "👍🏽", 2],
    ["a ZWJ family", "👩‍👩‍👧‍👦", 7],
    ["a flag", "🇰🇿", 2],
    ["a decomposed accent", "e\u0301", 2],
  ])("%s", (_name, text, n) => expect(measureExample(text)).toBe(n));
});

describe("renderExample", () => {
  it.each<[string, Partial<FeedItem>]>([
    ["plain", {}],
    ["a 400-character title", { title: "Breaking ".repeat(45).slice(0, 400) }],
    ["a 10,000-character summary", { summary: "word ".repeat(2000) }],
    ["emoji sequences", { title: "👩‍👩‍👧‍👦 family 🇰🇿 👍🏽", summary: "👩‍👩‍👧‍👦 ".repeat(300) }],
    ["Kazakh and Russian Cyrillic", { title: "Қазақстанда жаңа заң", summary: "Парламент принял закон. ".repeat(40) }],
    ["CJK", { title: "東京で新しい図書館が開館", summary: "市民は無料で利用できます。".repeat(80) }],
    ["several URLs", { summary: "See https://a.example/x and https://b.example/y?q=1. ".repeat(20) }],
    ["HTML and <&> stay as typed", { title: "AT&T <b>wins</b> & 1 < 2", summary: "&amp; <i>x</i> ".repeat(60) }],
  ])("%s: within 500 code points, link intact", (_name, over) => {
    const out = renderExample(item(over), cfg, limits, style());
    expect(out.length).toBe(measureExample(out.payload.text));
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.payload.text).toContain(LINK);
    expect(out.preview).toBe(out.payload.text);
    expect(out.payload.channel).toBe("news");
  });

  it("fills the default template as plain text", () => {
    const out = renderExample(item({ title: "AT&T <3", categories: ["Local news"] }), cfg, limits, style());
    expect(out.payload.text).toBe(`AT&T <3\n\nSummary.\n\n${LINK}\n#LocalNews`);
  });

  it.each([LINK.length, 80, 200])("fits a destination maxLength of %i", (max) => {
    const out = renderExample(item({ title: "👍🏽".repeat(300), summary: "x ".repeat(500) }), cfg, { ...limits, maxLength: max }, style());
    expect(out.length).toBeLessThanOrEqual(max);
    expect(out.payload.text).toContain(LINK);
  });

  it.each<[string, Partial<FeedItem>, Partial<PostStyle>, number]>([
    ["nothing to post", { title: "", summary: "", link: null }, { link: null }, 500],
    ["a link longer than the limit", {}, {}, 20],
  ])("refuses %s with a RenderError", (_name, over, styleOver, max) => {
    expect(() => renderExample(item(over), cfg, { ...limits, maxLength: max }, style(styleOver))).toThrow(RenderError);
  });
});
