import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem } from "../../src/core/index.js";
import { graphemeLength } from "../../src/text/graphemes.js";
import { blueskyConfig } from "./config.js";
import { BLUESKY_DEFAULT_TEMPLATE, blueskyLimits, displayLink, renderBluesky, type Facet } from "./render.js";

const cfg = blueskyConfig.parse({ handle: "news.bsky.social", appPassword: "aaaa-bbbb-cccc-dddd" });
const limits = blueskyLimits(cfg);
const styled = (i: { link: string | null }, template = BLUESKY_DEFAULT_TEMPLATE) => ({ template, maxHashtags: 3, link: i.link });
const FAMILY = "👩‍👩‍👧‍👦"; // one grapheme, 25 UTF-8 bytes

function item(over: Partial<FeedItem> = {}): FeedItem {
  return {
    feedId: "news", guid: "g1", link: "https://example.com/articles/2024/05/some-article?id=42&lang=en",
    title: "A title", summary: "A summary.", author: null, categories: ["Local news", "Politics"],
    imageUrl: null, publishedAt: "2024-05-01T10:00:00.000Z", ...over,
  };
}

const render = (over: Partial<FeedItem> = {}, max = 300, template?: string) => {
  const i = item(over);
  return renderBluesky(i, cfg, { ...limits, maxLength: max }, styled(i, template));
};

/** The text a facet covers, cut from the UTF-8 bytes the way Bluesky does. */
const covered = (text: string, f: Facet) => Buffer.from(text, "utf8").subarray(f.index.byteStart, f.index.byteEnd).toString("utf8");

const longUrl = `https://example.com/${"very-long-path-segment/".repeat(12)}article.html?utm=no&x=1`;

const cases: Array<[string, Partial<FeedItem>]> = [
  ["emoji sequences", { title: `${FAMILY} family 🇰🇿 flag 👍🏽 ok`, summary: "🧑🏽‍💻".repeat(200) }],
  ["300 family emoji: the 3000-byte cap binds before 300 graphemes", { title: FAMILY.repeat(300), summary: "" }],
  ["Kazakh title, Russian summary", { title: "Қазақстанда жаңа заң қабылданды", summary: "Сегодня парламент принял закон. ".repeat(30), categories: ["Қазақстан", "Новости"] }],
  ["CJK", { title: "東京で新しい法律が可決されました", summary: "日本語の要約です。".repeat(60) }],
  ["400-character title", { title: "Breaking ".repeat(45).slice(0, 400), summary: "" }],
  ["400-character CJK title", { title: "新".repeat(400), summary: "要約" }],
  ["very long summary", { summary: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(100) }],
  ["several URLs in the summary", { summary: "See https://a.example.com/x and https://b.example.org/y?q=1, then c.example.net. ".repeat(12) }],
  ["a 300-character link", { link: longUrl, title: "Long link", summary: "Text. ".repeat(60) }],
  ["<&> stay literal", { title: "AT&T <3 & <b>bold</b> Q&A", summary: "x < y && y > z" }],
  ["decomposed accents and RTL", { title: "Cafe\u0301 re\u0301sume\u0301 مرحبا", summary: "" }],
];

describe("renderBluesky", () => {
  it.each(cases)("%s: ≤ 300 graphemes and 3000 bytes, link facet and card intact", (_name, over) => {
    const i = item(over);
    const r = render(over);
    const { text, facets = [], embed } = r.payload.record;
    expect(graphemeLength(text)).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3000);
    expect(r.length).toBe(graphemeLength(text));
    const links = facets.filter((f) => f.features[0]?.$type === "app.bsky.richtext.facet#link" && f.features[0].uri === i.link);
    expect(links.length).toBeGreaterThanOrEqual(1);
    for (const f of links) expect(covered(text, f)).toBe(displayLink(i.link ?? ""));
    expect(embed?.external.uri).toBe(i.link);
    // Facets are sorted, do not overlap, and cut the text on character boundaries.
    facets.forEach((f, n) => {
      expect(f.index.byteStart).toBeLessThan(f.index.byteEnd);
      if (n > 0) expect(f.index.byteStart).toBeGreaterThanOrEqual(facets[n - 1]?.index.byteEnd ?? 0);
      expect(Buffer.from(covered(text, f)).length).toBe(f.index.byteEnd - f.index.byteStart);
      expect(text).toContain(covered(text, f));
    });
    expect(JSON.parse(JSON.stringify(r.payload))).toEqual(r.payload);
    expect(r.payload.record).not.toHaveProperty("createdAt");
  });

  it("fills the default template: short link, hashtags, card", () => {
    const { record } = render().payload;
    expect(record.text).toBe("A title\n\nA summary.\n\nexample.com/articles/2024/05/so… #LocalNews #Politics");
    const at = (s: string) => Buffer.byteLength(record.text.slice(0, record.text.indexOf(s)));
    expect(record.facets).toEqual([
      { index: { byteStart: at("example"), byteEnd: at(" #Local") }, features: [{ $type: "app.bsky.richtext.facet#link", uri: item().link }] },
      { index: { byteStart: at("#Local"), byteEnd: at(" #Politics") }, features: [{ $type: "app.bsky.richtext.facet#tag", tag: "LocalNews" }] },
      { index: { byteStart: at("#Politics"), byteEnd: Buffer.byteLength(record.text) }, features: [{ $type: "app.bsky.richtext.facet#tag", tag: "Politics" }] },
    ]);
    expect(record.embed).toEqual({ $type: "app.bsky.embed.external", external: { uri: item().link, title: "A title", description: "A summary." } });
    expect(record).not.toHaveProperty("langs");
  });

  it("counts byte offsets in UTF-8 after multibyte text", () => {
    const title = `Привет ${FAMILY} 漢字 é`;
    const { text, facets = [] } = render({ title, summary: "", categories: ["Қазақстан"] }).payload.record;
    const link = facets[0];
    expect(link?.index.byteStart).toBe(Buffer.byteLength(`${title}\n\n`));
    expect(link?.index.byteStart).not.toBe(`${title}\n\n`.length); // UTF-16 offsets would be wrong
    expect(covered(text, facets[1] as Facet)).toBe("#Қазақстан");
    expect(facets[1]?.features[0]).toEqual({ $type: "app.bsky.richtext.facet#tag", tag: "Қазақстан" });
  });

  it.each([
    ["https://e.com/a", "e.com/a"],
    ["https://www.example.org/", "example.org"],
    ["http://example.org/a?b=1#c", "example.org/a?b=1#c"],
    [longUrl, "example.com/very-long-path-segm…"],
  ])("shows %s as %s", (url, shown) => {
    expect(displayLink(url)).toBe(shown);
    expect(graphemeLength(displayLink(url))).toBeLessThanOrEqual(32);
  });

  it("links the other URLs in the text to themselves, and never mentions", () => {
    const { text, facets = [] } = render({ summary: "Read https://other.example.org/page, ask @someone.bsky.social." }).payload.record;
    const other = facets.find((f) => f.features[0]?.$type === "app.bsky.richtext.facet#link" && f.features[0].uri === "https://other.example.org/page");
    expect(other && covered(text, other)).toBe("https://other.example.org/page");
    expect(JSON.stringify(facets)).not.toContain("mention");
  });

  it("does not take the link's text inside a longer URL for the link", () => {
    const { text, facets = [] } = render({ link: "https://e.com/a", summary: "Also https://e.com/a/b here." }).payload.record;
    const own = facets.filter((f) => f.features[0]?.$type === "app.bsky.richtext.facet#link" && f.features[0].uri === "https://e.com/a");
    expect(own.map((f) => covered(text, f))).toEqual(["e.com/a"]);
    expect(facets.some((f) => covered(text, f) === "https://e.com/a/b")).toBe(true);
  });

  it("sets langs from the config", () => {
    const withLangs = blueskyConfig.parse({ handle: "news.bsky.social", appPassword: "x", languages: ["kk", "ru"] });
    const i = item();
    expect(renderBluesky(i, withLangs, limits, styled(i)).payload.record.langs).toEqual(["kk", "ru"]);
  });

  it("without a link: no link facet, no card", () => {
    const { record } = render({ link: null }).payload;
    expect(record.embed).toBeUndefined();
    // (The shared fill() keeps the space before {hashtags} when {link} is empty: reported to the lead.)
    expect(record.text).toMatch(/^A title\n\nA summary\.\n\n ?#LocalNews #Politics$/);
    expect(record.facets?.map((f) => f.features[0]?.$type)).toEqual(["app.bsky.richtext.facet#tag", "app.bsky.richtext.facet#tag"]);
  });

  it("cuts the card's title and description to 300 graphemes", () => {
    const { external } = render({ title: "T".repeat(400), summary: "word ".repeat(400) }).payload.record.embed ?? { external: undefined };
    expect(graphemeLength(external?.title ?? "")).toBeLessThanOrEqual(300);
    expect(graphemeLength(external?.description ?? "")).toBeLessThanOrEqual(300);
  });

  it.each([200, 100, 50])("fits a tighter limit of %i", (max) => {
    const r = render({ summary: "Word ".repeat(200) }, max);
    expect(r.length).toBeLessThanOrEqual(max);
    expect(r.payload.record.facets?.[0]?.features[0]).toMatchObject({ uri: item().link });
  });

  it("refuses an item with nothing to post", () => {
    expect(() => render({ title: "", summary: "", link: null, categories: [] })).toThrow(RenderError);
  });

  it("is pure: the same item renders the same post", () => {
    expect(render({ title: "Same" })).toEqual(render({ title: "Same" }));
  });
});
