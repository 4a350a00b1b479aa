import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type Limits } from "../../src/core/index.js";
import { statusLength } from "../../test/loopback/mastodon-api/length.js";
import { mastodonConfig } from "./config.js";
import { countableText, mastodonLength } from "./count.js";
import { MASTODON_DEFAULT_TEMPLATE, discoveredLimits, mastodonLimits, renderMastodon, urlLengthOf } from "./render.js";

const cfg = mastodonConfig.parse({ instance: "https://mastodon.example", accessToken: "t" });
const limits = mastodonLimits(cfg);
const styled = (i: FeedItem) => ({ template: MASTODON_DEFAULT_TEMPLATE, maxHashtags: 3, link: i.link });

function item(over: Partial<FeedItem>): FeedItem {
  return {
    feedId: "news", guid: "g1", link: "https://example.com/articles/2024/05/some-article?id=42&lang=en",
    title: "A title", summary: "A summary.", author: null, categories: ["Local news", "Politics"],
    imageUrl: null, publishedAt: "2024-05-01T10:00:00.000Z", ...over,
  };
}

const longUrl = `https://example.com/${"very-long-path-segment/".repeat(12)}article.html?utm=no&x=1`;

const cases: Array<[string, Partial<FeedItem>]> = [
  ["curly quotes", { title: "“Quoted” and ‘single’ — it’s «fine»" }],
  ["< and & stay literal", { title: "AT&T <3 & <b>bold</b> Q&A", summary: "x < y && y > z; &amp; stays as typed" }],
  ["emoji sequences", { title: "👩‍👩‍👧‍👦 family 🇰🇿 flag 👍🏽 ok", summary: "🧑🏽‍💻".repeat(600) }],
  ["Kazakh title, Russian summary", { title: "Қазақстанда жаңа заң қабылданды", summary: "Сегодня парламент принял закон. ".repeat(30), categories: ["Қазақстан"] }],
  ["CJK counts one per character", { title: "東京で新しい法律が可決されました", summary: "日本語の要約です。".repeat(80) }],
  ["400-character title", { title: "Breaking ".repeat(45).slice(0, 400), summary: "" }],
  ["very long summary", { summary: "Lorem ipsum dolor sit amet. ".repeat(300) }],
  ["several URLs in the summary", { summary: "See https://a.example.com/x and https://b.example.org/y?q=1, then https://c.example.net/. ".repeat(20) }],
  ["a 300-character link counts 23", { link: longUrl, summary: "Text. ".repeat(120) }],
  ["remote mentions in the summary", { summary: "Thanks @alice@mastodon.social and @bob@example.org for the tip! ".repeat(20) }],
  ["NUL characters", { title: "Title\u0000 with NUL", summary: "Sum\u0000mary" }],
  ["no summary, no categories", { summary: "", categories: [] }],
];

describe("renderMastodon", () => {
  it.each(cases)("%s: within 500 as Mastodon counts, link intact", (_name, over) => {
    const feedItem = item(over);
    const rendered = renderMastodon(feedItem, cfg, limits, styled(feedItem));
    const { status } = rendered.payload;
    expect(rendered.length).toBe(mastodonLength(status));
    expect(statusLength(status, "")).toBe(rendered.length); // the loopback's independent port agrees
    expect(rendered.length).toBeLessThanOrEqual(500);
    expect(status).toContain(feedItem.link);
    expect(status).not.toContain("\u0000");
    expect(rendered.preview).toBe(status);
  });

  it("fills the default template; plain text, nothing escaped", () => {
    const { payload } = renderMastodon(item({ title: "AT&T <3" }), cfg, limits, styled(item({})));
    expect(payload).toEqual({
      status: "AT&T <3\n\nA summary.\n\nhttps://example.com/articles/2024/05/some-article?id=42&lang=en\n#LocalNews #Politics",
      visibility: "public",
    });
  });

  it.each<[string, string, number]>([
    ["a URL counts 23 however long", `Read ${longUrl}`, 5 + 23],
    ["a short URL counts 23 too", "Read http://a.co", 5 + 23],
    ["two URLs", "https://a.example.com/1 https://b.example.com/2", 23 + 1 + 23],
    ["trailing period is text", "https://example.com/a.", 24],
    ["balanced parentheses stay in the URL", "https://en.wikipedia.org/wiki/Foo_(bar)", 23],
    ["no protocol, no placeholder", "example.com/path", 16],
    ["remote mention counts its username", "@alice@mastodon.social", 6],
    ["local mention unchanged", "@alice", 6],
    ["e-mail address is not a mention", "mail me@example.com", 19],
    ["a ZWJ family is one", "👩‍👩‍👧‍👦", 1],
    ["combining marks join their letter", "e\u0301e\u0301", 2],
  ])("counting: %s", (_name, text, expected) => {
    expect(mastodonLength(text)).toBe(expected);
    expect(statusLength(text, "")).toBe(expected);
  });

  it("counts a URL as the instance's characters_reserved_per_url", () => {
    expect(countableText("go https://example.com/x", 30)).toBe(`go ${"x".repeat(30)}`);
    expect(urlLengthOf(discoveredLimits(1000, 30))).toBe(30);
    expect(urlLengthOf({ maxLength: 10, unit: "characters", source: "config" })).toBe(23);
  });

  it("uses discovered limits: 1000 characters fit a longer post", () => {
    const big: Limits = discoveredLimits(1000, 23);
    const long = item({ summary: "Word ".repeat(400) });
    const r500 = renderMastodon(long, cfg, limits, styled(long));
    const r1000 = renderMastodon(long, cfg, big, styled(long));
    expect(r1000.length).toBeGreaterThan(900);
    expect(r1000.length).toBeLessThanOrEqual(1000);
    expect(r500.length).toBeLessThanOrEqual(500);
    expect(r1000.limits).toEqual({ maxLength: 1000, unit: expect.stringContaining("each URL counts 23"), source: "discovered" });
  });

  it("a larger per-URL width is honoured: the post still fits", () => {
    const wide = discoveredLimits(100, 60);
    const text = renderMastodon(item({ summary: "Words here. ".repeat(20) }), cfg, wide, styled(item({}))).payload.status;
    expect(statusLength(text, "", 60)).toBeLessThanOrEqual(100);
  });

  it("the content warning counts toward the limit and is sent as spoilerText", () => {
    const withCw = mastodonConfig.parse({ instance: "https://m.example", accessToken: "t", spoilerText: " Politics ", language: "de", visibility: "unlisted" });
    const long = item({ summary: "Wort ".repeat(200) });
    const r = renderMastodon(long, withCw, limits, styled(long));
    expect(r.payload).toMatchObject({ spoilerText: "Politics", language: "de", visibility: "unlisted" });
    expect(r.length).toBe(statusLength(r.payload.status, "Politics"));
    expect(r.length).toBeLessThanOrEqual(500);
    expect(r.preview.startsWith("CW: Politics\n\n")).toBe(true);
  });

  it.each([140, 100, 60])("fits a tighter operator limit of %i", (max) => {
    const long = item({ summary: "Word ".repeat(200) });
    const r = renderMastodon(long, cfg, { ...limits, maxLength: max, source: "config" }, styled(long));
    expect(r.length).toBeLessThanOrEqual(max);
    expect(r.payload.status).toContain(long.link);
  });

  it.each<[string, Partial<FeedItem>, number, Record<string, unknown>]>([
    ["nothing to post", { title: "", summary: "", link: null, categories: [] }, 500, {}],
    ["the link does not fit", {}, 10, {}],
    ["the content warning takes everything", {}, 20, { spoilerText: "x".repeat(20) }],
  ])("refuses %s with a RenderError", (_name, over, max, extra) => {
    const c = mastodonConfig.parse({ instance: "https://m.example", accessToken: "t", ...extra });
    expect(() => renderMastodon(item(over), c, { ...limits, maxLength: max }, styled(item(over)))).toThrow(RenderError);
  });
});

describe("renderMastodon: property", () => {
  const piece = fc.constantFrom(
    "word", "Привет", "漢字", "👩‍👩‍👧‍👦", "🇰🇿", "e\u0301", " ", " ", "\n", ".", "(", ")", "@alice@mastodon.social", "@bob",
    "https://example.com/p?q=1", "http://a.co", "https://en.wikipedia.org/wiki/X_(y)", "example.org/x", "mail@example.com",
  );
  const text = fc.array(piece, { maxLength: 120 }).map((p) => p.join(""));
  it("never exceeds the limit as the loopback's validator port counts, link intact", () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 80, max: 700 }), fc.constantFrom(23, 40), (title, summary, max, perUrl) => {
        const feedItem = item({ title, summary });
        const r = renderMastodon(feedItem, cfg, discoveredLimits(max, perUrl), styled(feedItem));
        expect(statusLength(r.payload.status, "", perUrl)).toBe(r.length);
        expect(r.length).toBeLessThanOrEqual(max);
        expect(r.payload.status).toContain(feedItem.link);
      }),
      { numRuns: 60 },
    );
  });
});

describe("mastodonConfig", () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ["minimal", { instance: "https://mastodon.social", accessToken: "abc_DEF-123" }, true],
    ["env reference token", { instance: "https://mastodon.social/", accessToken: "${MASTODON_TOKEN}" }, true],
    ["all fields", { instance: "https://m.example", accessToken: "t", visibility: "private", language: "zh-TW", spoilerText: "cw" }, true],
    ["path in instance", { instance: "https://m.example/api", accessToken: "t" }, false],
    ["not a URL", { instance: "mastodon.social", accessToken: "t" }, false],
    ["ftp instance", { instance: "ftp://m.example", accessToken: "t" }, false],
    ["token with spaces", { instance: "https://m.example", accessToken: "a b" }, false],
    ["unknown visibility", { instance: "https://m.example", accessToken: "t", visibility: "limited" }, false],
    ["language not a code", { instance: "https://m.example", accessToken: "t", language: "English" }, false],
    ["unknown key", { instance: "https://m.example", accessToken: "t", visibilty: "public" }, false],
  ])("%s", (_name, input, ok) => {
    expect(mastodonConfig.safeParse(input).success).toBe(ok);
  });

  it("normalises the instance to its origin and defaults visibility", () => {
    expect(mastodonConfig.parse({ instance: "HTTPS://Mastodon.Social/", accessToken: "t" })).toEqual({ instance: "https://mastodon.social", accessToken: "t", visibility: "public" });
  });
});
