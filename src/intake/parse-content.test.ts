/**
 * What an item's text is made of: Atom text constructs with unescaped HTML, Atom content types and
 * base64, and the fallbacks of RSS items (Dublin Core, iTunes, Atom inside RSS).
 */
import { describe, expect, it } from "vitest";
import type { FeedItem } from "../core/feed-item.js";
import { atomKindOf, atomText } from "./parse-content.js";
import { parseFeed, type ParsedFeed } from "./parse.js";

const FEED_URL = "https://news.example.com/feed/";
const parse = (xml: string): Promise<ParsedFeed> => parseFeed(Buffer.from(xml, "utf8"), null, "f", FEED_URL);
const atom = (entry: string): string => `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>e1</id>${entry}</entry></feed>`;
const rss = (item: string): string =>
  `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>C</title><link>https://news.example.com/</link><item>${item}</item></channel></rss>`;
const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
const only = async (xml: string): Promise<{ item: FeedItem | undefined; feed: ParsedFeed }> => {
  const feed = await parse(xml);
  return { item: feed.items[0], feed };
};

describe("Atom type=html text whose markup is not escaped: the whole content, in order", () => {
  it.each<[string, string, Partial<FeedItem>, string]>([
    [
      "a summary, markup after text (the peer's case)",
      `<title>t</title><summary type="html">Example <a href="test.html">test</a></summary>`,
      { summary: "Example test" },
      "read the unescaped HTML in 1 summary as HTML",
    ],
    [
      "a title",
      `<title type="html">A <b>bold</b> move &amp; <i>more</i></title>`,
      { title: "A bold move & more" },
      "read the unescaped HTML in 1 title as HTML",
    ],
    [
      "content, with its image",
      `<title>t</title><content type="html">First <a href="/x">link</a> then <img src="/img/p.jpg" width="800"/> text.</content>`,
      { summary: "First link then text.", imageUrl: "https://news.example.com/img/p.jpg" },
      "read the unescaped HTML in 1 content element as HTML",
    ],
    [
      "a summary without a type (text) holding markup",
      `<title>t</title><summary>Read <em>this</em> now</summary>`,
      { summary: "Read this now" },
      "read the unescaped HTML in 1 summary as HTML",
    ],
  ])("%s", async (_name, entry, want, warning) => {
    const { item, feed } = await only(atom(entry));
    expect(item).toMatchObject(want);
    expect(feed.warnings).toEqual([warning]);
  });

  it("RSS: a description whose markup follows text is read whole, not cut at the first tag", async () => {
    const { item, feed } = await only(rss(`<title>t</title><description>Example <a href="test.html">test</a> done</description>`));
    expect(item?.summary).toBe("Example test done");
    expect(feed.warnings).toEqual(["read the unescaped HTML in 1 description as HTML"]);
  });

  it("escaped HTML is read as before, without a warning; XML-typed content is not escaped", async () => {
    const { item, feed } = await only(
      atom(`<title type="html">A &lt;b&gt;b&lt;/b&gt;</title><summary type="html">&lt;p&gt;Esc &amp;amp; aped&lt;/p&gt;</summary><content type="application/xml"><data><v>1</v></data></content>`),
    );
    expect(item).toMatchObject({ title: "A b", summary: "Esc & aped" });
    expect(feed.warnings).toEqual([]);
  });
});

describe("Atom content by type and mode (RFC 4287 §4.1.3, Atom 0.3 mode)", () => {
  it.each<[string, string, string]>([
    ["Atom 0.3 mode=base64 text/html: decoded", `<content type="text/html" mode="base64">${b64("<p>Hello <b>world</b> – ünïcode</p>")}</content>`, "Hello world – ünïcode"],
    ["mode=base64 text/plain: decoded", `<content type="text/plain" mode="base64">${b64("Plain words")}</content>`, "Plain words"],
    ["base64 split over lines: decoded", `<content type="text/html" mode="base64">${b64("<p>Line one and line two</p>").replace(/(.{8})/g, "$1\n  ")}</content>`, "Line one and line two"],
    ["a binary type (image/png): ignored, the summary is used", `<summary>The summary</summary><content type="image/png">${b64("\u0089PNG\r\n binary")}</content>`, "The summary"],
    ["a binary type with mode=base64: ignored", `<summary>The summary</summary><content type="application/pdf" mode="base64">${b64("%PDF-1.4")}</content>`, "The summary"],
    ["out-of-line content (src): ignored", `<summary>The summary</summary><content type="text/html" src="https://x.example/a.html"/>`, "The summary"],
    ["mode=escaped: HTML as usual", `<content type="text/html" mode="escaped">&lt;p&gt;Escaped body&lt;/p&gt;</content>`, "Escaped body"],
    ["text/markdown: text", `<content type="text/markdown">Some *markdown* text</content>`, "Some *markdown* text"],
  ])("%s", async (_name, content, summary) => {
    const { item } = await only(atom(`<title>t</title>${content}`));
    expect(item?.summary).toBe(summary);
  });

  it("an entry whose only content is binary has no summary (never base64 text)", async () => {
    const { item } = await only(atom(`<title>Picture</title><link href="https://x.example/p"/><content type="image/jpeg">${b64("JFIF binary data here")}</content>`));
    expect(item).toMatchObject({ title: "Picture", summary: "" });
  });

  it.each<[string | undefined, string]>([
    [undefined, "text"], ["text", "text"], ["TEXT/PLAIN; charset=utf-8", "text"], ["text/csv", "text"],
    ["html", "html"], ["xhtml", "html"], ["text/html", "html"], ["application/xhtml+xml", "html"],
    ["application/atom+xml", "xml"], ["text/xml", "xml"], ["application/xml", "xml"],
    ["image/png", "binary"], ["application/octet-stream", "binary"], ["escaped", "text"],
  ])("atomKindOf(%s) is %s", (type, kind) => {
    expect(atomKindOf(type)).toBe(kind);
  });

  it.each<[string, unknown, string | null]>([
    ["a plain string", "  words ", "words"],
    ["base64 that is not base64 stays as it is", [{ _: "not base64 at all!", $: { mode: "base64", type: "text/plain" } }], "not base64 at all!"],
    ["empty", [{ $: { type: "html" } }], null],
    ["not an element", 42, null],
  ])("atomText: %s", (_name, value, text) => {
    expect(atomText(value)).toBe(text);
  });
});

describe("RSS item fallbacks", () => {
  it.each<[string, string, Partial<FeedItem>]>([
    ["dc:description when there is no description", `<title>t</title><link>https://x.example/1</link><dc:description>From Dublin Core</dc:description>`, { summary: "From Dublin Core" }],
    ["description wins over dc:description", `<title>t</title><description>Own</description><dc:description>DC</dc:description>`, { summary: "Own" }],
    ["itunes:title when there is no title", `<itunes:title>Episode 12</itunes:title><link>https://pod.example/12</link>`, { title: "Episode 12" }],
    ["title wins over itunes:title", `<title>Ep 12: the title</title><itunes:title>Episode 12</itunes:title>`, { title: "Ep 12: the title" }],
    ["itunes:summary when there is no description", `<title>t</title><itunes:summary>What the episode is about</itunes:summary>`, { summary: "What the episode is about" }],
    ["atom:published for the date", `<title>t</title><atom:published>2024-06-30T12:00:00+02:00</atom:published>`, { publishedAt: "2024-06-30T10:00:00.000Z" }],
    ["atom:updated when nothing else dates it", `<title>t</title><atom:updated>2024-07-01T00:00:00Z</atom:updated>`, { publishedAt: "2024-07-01T00:00:00.000Z" }],
    ["pubDate wins over atom:published", `<title>t</title><pubDate>Sun, 30 Jun 2024 08:00:00 GMT</pubDate><atom:published>2024-01-01T00:00:00Z</atom:published>`, { publishedAt: "2024-06-30T08:00:00.000Z" }],
    ["atom:content for the text and image", `<title>t</title><atom:content type="html">&lt;p&gt;Atom body &lt;img src="/i/a.jpg" width="600"&gt;&lt;/p&gt;</atom:content>`, { summary: "Atom body", imageUrl: "https://news.example.com/i/a.jpg" }],
    ["content:encoded wins over atom:content", `<title>t</title><content:encoded>&lt;p&gt;Encoded&lt;/p&gt;</content:encoded><atom:content type="html">Atom</atom:content>`, { summary: "Encoded" }],
  ])("%s", async (_name, item, want) => {
    const { item: got } = await only(rss(item));
    expect(got).toMatchObject(want);
  });

  it("a podcast item with only itunes:title, itunes:summary and an enclosure is kept, not dropped", async () => {
    const feed = await parse(
      rss(`<itunes:title>Episode 7</itunes:title><itunes:summary>Guests and news</itunes:summary><enclosure url="https://pod.example/7.mp3" type="audio/mpeg" length="1"/><guid isPermaLink="false">ep-7</guid>`),
    );
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toEqual([expect.objectContaining({ guid: "ep-7", title: "Episode 7", summary: "Guests and news" })]);
  });
});
