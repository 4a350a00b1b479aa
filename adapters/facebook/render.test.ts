import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type Limits, type PostStyle } from "../../src/core/index.js";
import { MESSAGE_LIMIT } from "../../test/loopback/facebook-graph-api/posts.js";
import { facebookConfig } from "./config.js";
import { FACEBOOK_DEFAULT_TEMPLATE, FACEBOOK_MAX_LENGTH, captionTemplate, facebookLength, facebookLimits, renderFacebook } from "./render.js";

const cfg = facebookConfig.parse({ pageId: "104523452345234", pageAccessToken: "EAAtestTokenNotReal0123456789" });
const photoCfg = { ...cfg, postAs: "photo" as const };
const LINK = "https://news.example.org/2026/12/06/story/?p=1&utm_source=rss";
const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news", guid: "g1", link: LINK, title: "A story", summary: "A summary.", author: "Desk", categories: ["Local news"], imageUrl: null, publishedAt: "2026-12-06T10:00:00Z", ...over,
});
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: FACEBOOK_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, ...over });
const limits = facebookLimits();
const tight = (n: number): Limits => ({ ...limits, maxLength: n, source: "config" });

describe("counting: UTF-16 code units, the most of any unit Meta could mean", () => {
  it.each([
    ["ASCII", "abc", 3],
    ["Cyrillic (one unit each)", "Қазақстан", 9],
    ["CJK (one unit each)", "東京で新しい", 6],
    ["an emoji outside the BMP (two units)", "😀", 2],
    ["a ZWJ family (11 units, one grapheme)", "👩‍👩‍👧‍👦", 11],
    ["a flag (two regional indicators)", "🇰🇿", 4],
    ["a combining mark", "e\u0301", 2],
  ])("%s", (_n, text, units) => expect(facebookLength(text)).toBe(units));

  it("the loopback counts the same limit independently", () => expect(FACEBOOK_MAX_LENGTH).toBe(MESSAGE_LIMIT));
});

describe("link posts", () => {
  it.each([
    ["plain", item(), "A story\n\nA summary.\n\n#LocalNews"],
    ["HTML-looking title and <&> kept as text (Facebook posts plain text)", item({ title: `AT&T <b>bold</b> & "quotes" 5 > 3`, summary: "" }), `AT&T <b>bold</b> & "quotes" 5 > 3\n\n#LocalNews`],
    ["Cyrillic and CJK", item({ title: "Қазақстан жаңалықтары", summary: "東京で新しい図書館", categories: [] }), "Қазақстан жаңалықтары\n\n東京で新しい図書館"],
    ["several URLs in the summary stay in the message", item({ summary: "See https://a.example/x and https://b.example/y", categories: [] }), "A story\n\nSee https://a.example/x and https://b.example/y"],
    ["emoji sequences", item({ title: "Family day 👩‍👩‍👧‍👦 🇰🇿", summary: "", categories: [] }), "Family day 👩‍👩‍👧‍👦 🇰🇿"],
  ])("%s", (_n, it_, message) => {
    const r = renderFacebook(it_, cfg, limits, style());
    expect(r.payload).toEqual({ feed: { message, link: LINK } });
    expect(r.length).toBe(message.length);
    expect(r.preview).toContain(LINK);
  });

  it("a 400-character title and a 10,000-character summary fit a tight limit, in UTF-16 units, link untouched", () => {
    const r = renderFacebook(item({ title: "word ".repeat(80).trim(), summary: "👍🏽 ".repeat(2500) }), cfg, tight(300), style());
    expect(r.length).toBeLessThanOrEqual(300);
    expect(r.payload.feed.message.length).toBe(r.length);
    expect(r.payload.feed.link).toBe(LINK);
  });

  it("an item without a link is a text post; without anything it cannot be rendered", () => {
    expect(renderFacebook(item(), cfg, limits, style({ link: null })).payload).toEqual({ feed: { message: "A story\n\nA summary.\n\n#LocalNews" } });
    expect(() => renderFacebook(item({ title: "", summary: "", categories: [] }), cfg, limits, style({ link: null }))).toThrow(RenderError);
  });

  it("an empty message with a link is still a post: the preview carries it", () => {
    const r = renderFacebook(item({ title: "", summary: "", categories: [] }), cfg, limits, style());
    expect(r.payload).toEqual({ feed: { message: "", link: LINK } });
  });

  it("a template with {link} puts the URL in the message too (the operator's choice)", () => {
    expect(renderFacebook(item(), cfg, limits, style({ template: "{title} {link}" })).payload.feed.message).toBe(`A story ${LINK}`);
  });

  it("unpaired surrogates become U+FFFD, NUL is dropped: the payload is what a UTF-8 form body delivers", () => {
    const r = renderFacebook(item({ title: "a\uD800b\u0000c", summary: "", categories: [] }), cfg, limits, style());
    expect(r.payload.feed.message).toBe("a\uFFFDbc");
  });
});

describe("photo posts", () => {
  const image = { url: "https://news.example.org/img/a.jpg", alt: "A river at dusk" };

  it("carry the image URL, the alt text and a caption with the link, since a photo has no link preview", () => {
    const r = renderFacebook(item(), photoCfg, limits, style({ image }));
    expect(r.payload.photo).toEqual({ url: image.url, caption: `A story\n\nA summary.\n\n#LocalNews\n\n${LINK}`, altText: image.alt });
    expect(r.payload.feed).toEqual({ message: "A story\n\nA summary.\n\n#LocalNews", link: LINK });
    expect(r.length).toBe(r.payload.photo?.caption.length);
  });

  it("keep the link whole when the caption must be cut", () => {
    const r = renderFacebook(item({ summary: "x".repeat(5000) }), photoCfg, tight(200), style({ image }));
    expect(r.length).toBeLessThanOrEqual(200);
    expect(r.payload.photo?.caption.endsWith(LINK)).toBe(true);
  });

  it("are not made without an image, nor for link destinations, nor with an empty alt", () => {
    expect(renderFacebook(item(), photoCfg, limits, style()).payload.photo).toBeUndefined();
    expect(renderFacebook(item(), cfg, limits, style({ image })).payload.photo).toBeUndefined();
    expect(renderFacebook(item(), photoCfg, limits, style({ image: { url: image.url, alt: " " } })).payload.photo).not.toHaveProperty("altText");
  });

  it("use the template's own {link} when it has one", () => {
    expect(captionTemplate("{link}\n{title}")).toBe("{link}\n{title}");
    expect(captionTemplate("{title}")).toBe("{title}\n\n{link}");
  });
});
