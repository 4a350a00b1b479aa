import { describe, expect, it } from "vitest";
import twitterText from "twitter-text";
import { RenderError, type FeedItem } from "../../src/core/index.js";
import { xConfig } from "./config.js";
import { X_DEFAULT_TEMPLATE, renderX, xLimits } from "./render.js";

const styled = (i: { link: string | null }) => ({ template: X_DEFAULT_TEMPLATE, maxHashtags: 3, link: i.link });

const cfg = xConfig.parse({ appKey: "k", appSecret: "s", accessToken: "t", accessSecret: "a" });
const limits = xLimits(cfg);

function item(over: Partial<FeedItem>): FeedItem {
  return {
    feedId: "news",
    guid: "g1",
    link: "https://example.com/articles/2024/05/some-article?id=42&lang=en",
    title: "A title",
    summary: "A summary.",
    author: null,
    categories: ["Local news", "Politics"],
    imageUrl: null,
    publishedAt: "2024-05-01T10:00:00.000Z",
    ...over,
  };
}

const longUrl = `https://example.com/${"very-long-path-segment/".repeat(12)}article.html?utm=no&x=1`;

const cases: Array<[string, Partial<FeedItem>]> = [
  ["curly quotes", { title: "“Quoted” and ‘single’ — it’s «fine»" }],
  ["< and & stay literal", { title: "AT&T <3 & <b>bold</b> Q&A", summary: "x < y && y > z; &amp; stays as typed" }],
  ["emoji sequences", { title: "👩‍👩‍👧‍👦 family 🇰🇿 flag 👍🏽 ok", summary: "🧑🏽‍💻".repeat(200) }],
  ["Kazakh title, Russian summary", { title: "Қазақстанда жаңа заң қабылданды: өңірлер үшін не өзгереді", summary: "Сегодня парламент принял закон. ".repeat(30), categories: ["Қазақстан", "Новости"] }],
  ["CJK counts double", { title: "東京で新しい法律が可決されました", summary: "日本語の要約です。".repeat(60) }],
  ["400-character title", { title: "Breaking ".repeat(45).slice(0, 400), summary: "" }],
  ["400-character CJK title", { title: "新".repeat(400), summary: "要約" }],
  ["very long summary", { summary: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(100) }],
  ["several URLs in the summary", { summary: "See https://a.example.com/x and https://b.example.org/y?q=1, then https://c.example.net/. ".repeat(12) }],
  ["a 300-character link counts 23", { link: longUrl, title: "Long link", summary: "Text. ".repeat(60) }],
  ["a byte-order mark in the title", { title: "\uFEFFTitle with BOM", summary: "Summary\uFFFE here" }],
  ["decomposed accents", { title: "Cafe\u0301 re\u0301sume\u0301", summary: "" }],
  ["no summary, no categories", { summary: "", categories: [] }],
];

describe("renderX", () => {
  it.each(cases)("%s: valid for X, within 280, link intact", (_name, over) => {
    const feedItem = item(over);
    const rendered = renderX(feedItem, cfg, limits, styled(feedItem));
    const { text } = rendered.payload;
    const parsed = twitterText.parseTweet(text);
    expect(parsed.valid).toBe(true);
    expect(parsed.weightedLength).toBeLessThanOrEqual(280);
    expect(rendered.length).toBe(parsed.weightedLength);
    expect(rendered.preview).toBe(text);
    expect(text).toContain(feedItem.link);
    expect(twitterText.extractUrls(text)).toContain(feedItem.link);
    expect(text).toBe(text.normalize("NFC"));
    expect(text).not.toMatch(/[\uFFFE\uFEFF\uFFFF]/u);
  });

  it("posts plain text: nothing is HTML-escaped", () => {
    const { text } = renderX(item({ title: "AT&T <3 Q&A" }), cfg, limits, styled(item({ title: "AT&T <3 Q&A" }))).payload;
    expect(text.startsWith("AT&T <3 Q&A\n\n")).toBe(true);
    expect(text).not.toContain("&amp;");
  });

  it("fills the default template: title, summary, link and hashtags", () => {
    const { text } = renderX(item({}), cfg, limits, styled(item({}))).payload;
    expect(text).toBe("A title\n\nA summary.\n\nhttps://example.com/articles/2024/05/some-article?id=42&lang=en #LocalNews #Politics");
  });

  it("counts CJK double: 200 CJK characters do not fit whole", () => {
    const { text } = renderX(item({ title: "字".repeat(200), summary: "" }), cfg, limits, styled(item({ title: "字".repeat(200), summary: "" }))).payload;
    expect(twitterText.parseTweet(text).weightedLength).toBeLessThanOrEqual(280);
    expect([...text].filter((c) => c === "字").length).toBeLessThan(130);
  });

  it.each([140, 100, 60])("fits a tighter limit of %i", (max) => {
    const r = renderX(item({ summary: "Word ".repeat(200) }), cfg, { ...limits, maxLength: max }, styled(item({ summary: "Word ".repeat(200) })));
    expect(r.length).toBeLessThanOrEqual(max);
    expect(r.payload.text).toContain(item({}).link);
  });

  it.each<[string, Partial<FeedItem>, number]>([
    ["nothing to post", { title: "", summary: "", link: null, categories: [] }, 280],
    ["only invalid characters", { title: "\uFEFF", summary: "", link: null, categories: [] }, 280],
    ["link longer than the limit allows", {}, 10],
  ])("refuses %s with a RenderError", (_name, over, max) => {
    expect(() => renderX(item(over), cfg, { ...limits, maxLength: max }, styled(item(over)))).toThrow(RenderError);
  });
});
