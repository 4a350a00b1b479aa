import { describe, expect, it } from "vitest";
import { parseLittle } from "../../test/loopback/linkedin-api/little.js";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { linkedinConfig } from "./config.js";
import { LINKEDIN_ARTICLE_LIMITS, LINKEDIN_DEFAULT_TEMPLATE, LINKEDIN_MAX_COMMENTARY, linkedinLimits, renderLinkedIn } from "./render.js";

const cfg = linkedinConfig.parse({ accessToken: "AQVx-0000", author: "urn:li:organization:2414183" });
const base: FeedItem = {
  feedId: "courier", guid: "1", link: "https://news.example/2026/12/budget?p=1&ref=rss", title: "Budget vote tonight", summary: "What is at stake.",
  author: "Desk", categories: ["Local news", "Politics"], imageUrl: null, publishedAt: null,
};
const style = (over: Partial<PostStyle> = {}, item = base): PostStyle => ({ template: LINKEDIN_DEFAULT_TEMPLATE, maxHashtags: 3, link: item.link, ...over });
const render = (item: Partial<FeedItem>, over: Partial<PostStyle> = {}, limits = linkedinLimits()) => {
  const full = { ...base, ...item };
  return renderLinkedIn(full, cfg, limits, style(over, full));
};

describe("renderLinkedIn", () => {
  it("an article post: summary and hashtags as commentary, the card carrying link, title and description", () => {
    const { payload, preview, length } = render({});
    expect(payload).toEqual({
      author: "urn:li:organization:2414183",
      commentary: "What is at stake.\n\n{hashtag|\\#|LocalNews} {hashtag|\\#|Politics}",
      visibility: "PUBLIC",
      distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
      content: { article: { source: base.link, title: "Budget vote tonight", description: "What is at stake." } },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: false,
    });
    expect(preview).toBe(`What is at stake.\n\n#LocalNews #Politics\n\n[article] Budget vote tonight\nWhat is at stake.\n${base.link}`);
    expect(length).toBe(payload.commentary.length);
  });

  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 9}`).join(" ");
  it.each([
    ["400-character title", { title: "T".repeat(400) }],
    ["emoji ZWJ sequences and flags", { title: "Family 👩‍👩‍👧‍👦 🏳️‍🌈 🇰🇿", summary: "👍🏽 (yes) ".repeat(600) }],
    ["Cyrillic", { title: "Қазақстан жаңалықтары", summary: "Школа (в Заречье) получит #спортзал. ".repeat(120) }],
    ["CJK", { title: "東京で新しい図書館", summary: "市の中心部に新しい図書館が完成しました。".repeat(300) }],
    ["several URLs", { summary: `See https://a.example/x_(y) and http://b.example/?q=1&r=[2] ${words(800)} https://c.example/end` }],
    ["HTML and <&>", { title: `AT&T <b>bold</b> & "quotes" <script>alert(1)</script>`, summary: `Use <i>tags</i> & &amp; 5 > 3 < 4 ${"x & y < z ".repeat(400)}` }],
    ["every reserved character", { summary: "|{}@[]()<>#\\*_~".repeat(400) }],
  ])("%s: within 3,000 as sent (escapes counted), LinkedIn reads it whole, card fields within their caps", (_name, item) => {
    const { payload, length } = render(item);
    expect(length).toBe(payload.commentary.length);
    expect(length).toBeLessThanOrEqual(LINKEDIN_MAX_COMMENTARY);
    expect(parseLittle(payload.commentary).cutAt).toBeNull();
    const article = payload.content?.article;
    expect(article?.source).toBe(base.link);
    expect(article?.title.length).toBeLessThanOrEqual(LINKEDIN_ARTICLE_LIMITS.title);
    expect((article?.description ?? "").length).toBeLessThanOrEqual(LINKEDIN_ARTICLE_LIMITS.description);
  });

  it("counts the escaped form: 1,600 parentheses are 3,200 as sent, so the summary is cut", () => {
    const { payload, length } = render({ summary: "(".repeat(1600), categories: [] });
    expect(length).toBeLessThanOrEqual(3_000);
    const shown = parseLittle(payload.commentary).text;
    expect(shown.length).toBeLessThanOrEqual(1_500);
    expect(shown.length).toBeGreaterThan(1_400);
    expect(shown.endsWith("…")).toBe(true);
  });

  it("an operator's tighter maxLength is honoured the same way", () => {
    const { length } = render({ summary: "a_b ".repeat(200) }, {}, { ...linkedinLimits(), maxLength: 200, source: "config" });
    expect(length).toBeLessThanOrEqual(200);
  });

  it("the template's own text is escaped; the link in the commentary stays whole", () => {
    const { payload } = render({}, { template: "{title} (via {feed}) → {link}" });
    expect(payload.commentary).toBe(`Budget vote tonight \\(via courier\\) → ${base.link}`);
    expect(parseLittle(payload.commentary).text).toBe(`Budget vote tonight (via courier) → ${base.link}`);
  });

  it("title and description are plain strings (not little text), the title falling back to the site", () => {
    const { payload } = render({ title: "A_b (c) #d", summary: "" });
    expect(payload.content?.article).toEqual({ source: base.link, title: "A_b (c) #d" });
    expect(render({ title: "" }).payload.content?.article.title).toBe("news.example");
  });

  it("an empty commentary falls back to the title", () => {
    expect(render({ summary: "", categories: [] }).payload.commentary).toBe("Budget vote tonight");
  });

  it("no http(s) link: a text post without a card; nothing at all to post: RenderError", () => {
    const { payload } = render({ link: null }, { link: null });
    expect(payload.content).toBeUndefined();
    expect(() => render({ link: null, title: "", summary: "" }, { link: null })).toThrow(RenderError);
  });

  it("the operator's mapped hashtags are templates too", () => {
    expect(render({}, { hashtags: ["#Budget2026", "#Town_Hall"] }).payload.commentary).toBe("What is at stake.\n\n{hashtag|\\#|Budget2026} {hashtag|\\#|Town\\_Hall}");
  });

  it("is pure: the same item renders the same post", () => {
    expect(render({ summary: "x (y)" })).toEqual(render({ summary: "x (y)" }));
  });
});
