import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { captionLength, hashtagCount, mentionCount } from "../../test/loopback/instagram-graph-api/caption.js";
import { instagramConfig } from "./config.js";
import { instagramLength, tagCount } from "./count.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { CAPTION, INSTAGRAM_DEFAULT_TEMPLATE, instagramLimits, renderInstagram } from "./render.js";

const base = TRICKY_ITEMS[0]![1];
const cfg = (over: Record<string, unknown> = {}) => instagramConfig.parse({ userId: "17841400000000001", accessToken: "${INSTAGRAM_TOKEN}", ...over });
const image = { url: "https://news.example.org/img/lead.jpg", alt: "The new bridge at dusk" };
const style = (item: FeedItem, over: Partial<PostStyle> = {}): PostStyle => ({ template: INSTAGRAM_DEFAULT_TEMPLATE, maxHashtags: 3, link: item.link, image, ...over });
const render = (item: FeedItem, over: Partial<PostStyle> = {}, c = cfg()) => renderInstagram(item, c, instagramLimits(c), style(item, over));

describe("instagramLength: UTF-16 units, emoji at their UTF-8 bytes", () => {
  it.each<[string, string, number]>([
    ["ASCII", "abc", 3],
    ["é composed", "é", 1],
    ["é decomposed", "é".normalize("NFD"), 2],
    ["Cyrillic", "Қазақ", 5],
    ["CJK", "東京", 2],
    ["astral letter 𝐀", "𝐀", 2],
    ["😀", "😀", 4],
    ["skin tone 👍🏽", "👍🏽", 8],
    ["ZWJ family 👩‍👩‍👧‍👦", "👩‍👩‍👧‍👦", 25],
    ["flag 🇰🇿", "🇰🇿", 8],
    ["keycap 1️⃣", "1️⃣", 7],
    ["rainbow flag 🏳️‍🌈", "🏳️‍🌈", 14],
    ["© (pictographic)", "©", 2],
  ])("%s", (_n, text, n) => expect(instagramLength(text)).toBe(n));

  it("never counts less than the loopback's independent per-grapheme count", () => {
    const piece = fc.constantFrom("a", "é", "é".normalize("NFD"), "Қ", "東", "𝐀", "😀", "👍🏽", "👩‍👩‍👧‍👦", "🇰🇿", "1️⃣", "\u200d", "क्‍ष", "©", " ", "\n", "#tag", "@user");
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
      expect(instagramLength(parts.join(""))).toBeGreaterThanOrEqual(captionLength(parts.join("")));
    }));
  });
});

describe("renderInstagram", () => {
  it("refuses an article without an image, in the words the core records as the skip reason", () => {
    expect(() => render(base, { image: undefined })).toThrow(new RenderError("Instagram posts need an image; this article has none"));
  });

  it.each<[string, Record<string, unknown>, string | null, string]>([
    ["default: Link in bio where {link} is", {}, base.link, "A story\n\nA summary.\n\nLink in bio\n\n#LocalNews"],
    ["{link} in the link line is the URL", { linkLine: "Read more: {link}" }, base.link, `A story\n\nA summary.\n\nRead more: ${base.link}\n\n#LocalNews`],
    ["no link: no link line", {}, null, "A story\n\nA summary.\n\n#LocalNews"],
  ])("%s", (_n, over, link, caption) => {
    const r = render(base, { link }, cfg(over));
    expect(r.payload).toEqual({ caption, image });
    expect(r.preview).toBe(`${caption}\n\n[image: ${image.alt}]`);
    expect(r.length).toBe(instagramLength(caption));
  });

  const long = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 9}`).join(" ");
  it.each<[string, FeedItem]>([
    ...TRICKY_ITEMS.map(([n, item]) => [n, item] as [string, FeedItem]),
    ["400-character title", { ...base, title: long(60).slice(0, 400) }],
    ["emoji-only summary", { ...base, summary: "👩‍👩‍👧‍👦🇰🇿👍🏽".repeat(300) }],
    ["Cyrillic and CJK", { ...base, title: "Қазақстан 東京", summary: "Школа 図書館 ".repeat(400) }],
    ["several URLs", { ...base, summary: `https://a.example/x https://b.example/y?p=1 ${long(500)}` }],
    ["HTML and <&>", { ...base, title: `AT&T <b>bold</b> & "q" 5 > 3 < 4`, summary: "x & y < z ".repeat(400) }],
  ])("%s: within 2,200 as counted, link line intact, the loopback agrees", (_n, item) => {
    const r = render(item, {}, cfg({ linkLine: "Read: {link}" }));
    expect(r.length).toBeLessThanOrEqual(CAPTION.maxLength);
    expect(r.payload.caption).toContain(`Read: ${item.link}`);
    expect(captionLength(r.payload.caption)).toBeLessThanOrEqual(2200);
    if (item.title.includes("<b>")) expect(r.payload.caption).toContain(item.title); // plain text, never escaped
  });

  it("fits an operator's tighter limit, and refuses only when the link line alone is over it", () => {
    const c = cfg({ linkLine: "Read: {link}" });
    expect(renderInstagram(TRICKY_ITEMS[2]![1], c, { ...instagramLimits(), maxLength: 120, source: "config" }, style(base)).length).toBeLessThanOrEqual(120);
    expect(() => renderInstagram(base, c, { ...instagramLimits(), maxLength: 20, source: "config" }, style(base))).toThrow(RenderError);
  });

  const tags = (sign: string, n: number) => Array.from({ length: n }, (_, i) => `${sign}t${i}`).join(" ");
  it.each<[string, FeedItem, Partial<PostStyle>, number, { length: number; hashtags: number; mentions: number }]>([
    ["2,200 ASCII characters of summary", { ...base, summary: "a".repeat(5000) }, {}, 2200, { length: 2200, hashtags: 1, mentions: 0 }],
    ["emoji by UTF-8 bytes", { ...base, summary: "👩‍👩‍👧‍👦".repeat(200) }, {}, 2200, { length: 2200, hashtags: 1, mentions: 0 }],
    ["an operator limit of 500", { ...base, summary: "Қазақ ".repeat(900) }, {}, 500, { length: 500, hashtags: 1, mentions: 0 }],
    ["40 added hashtags", base, { hashtags: tags("#", 40).split(" ") }, 2200, { length: 2200, hashtags: 30, mentions: 0 }],
    ["35 hashtags in the summary", { ...base, summary: tags("#", 35) }, {}, 2200, { length: 2200, hashtags: 30, mentions: 0 }],
    ["25 @ tags in the summary", { ...base, summary: tags("@", 25) }, {}, 2200, { length: 2200, hashtags: 1, mentions: 20 }],
  ])("caption limits: %s", (_n, item, over, maxLength, most) => {
    const c = cfg();
    const r = renderInstagram(item, c, { ...instagramLimits(), maxLength }, style(item, over));
    // counted independently by the loopback's caption.ts
    expect(captionLength(r.payload.caption)).toBeLessThanOrEqual(most.length);
    expect(r.length).toBeLessThanOrEqual(maxLength);
    if (instagramLength(item.summary) > maxLength) expect(r.length).toBeGreaterThan(maxLength * 0.9); // filled, not just safe
    expect([hashtagCount(r.payload.caption), mentionCount(r.payload.caption)]).toEqual([most.hashtags, most.mentions]);
  });

  it("drops extra added hashtags whole, then unsigns the article's own last ones: 30 at most, none cut", () => {
    const forty = Array.from({ length: 40 }, (_, i) => `#Tag${i}`);
    const r1 = render(base, { hashtags: forty });
    expect(tagCount(r1.payload.caption, "hashtag")).toBe(30);
    expect(r1.payload.caption).toContain(forty.slice(0, 30).join(" "));
    expect(r1.payload.caption).not.toContain("#Tag30");

    const own = Array.from({ length: 35 }, (_, i) => `#own${i}`).join(" ");
    const r2 = render({ ...base, summary: own }, { hashtags: ["#Extra"] });
    expect([hashtagCount(r2.payload.caption), r2.payload.caption.includes("#Extra")]).toEqual([30, false]);
    expect(r2.payload.caption).toContain("#own29 own30 own31 own32 own33 own34");
  });

  it("keeps at most 20 @ tags (the rest lose their @), and never cuts a tag into another one", () => {
    const r = render({ ...base, summary: Array.from({ length: 25 }, (_, i) => `@desk${i}`).join(" ") });
    expect([mentionCount(r.payload.caption), r.payload.caption.includes("@desk19 desk20")]).toEqual([20, true]);
    for (const sign of ["#", "@"]) {
      const summary = `x x x x x x x x x x ${sign}${"Riverside".repeat(300)}`;
      const item = { ...base, summary };
      // Fitted naively, the summary is cut inside the tag: a different, shorter tag.
      const naive = fitTemplate(INSTAGRAM_DEFAULT_TEMPLATE, { ...itemFields(item, style(item)), link: "Link in bio" }, { escape: (t) => t, measure: instagramLength, maxLength: 2200 });
      expect(naive).toMatch(new RegExp(`\\${sign}(Riverside)+R?i?v?e?r?s?i?d?…`));
      const caption = render(item).payload.caption;
      expect(caption).not.toContain(sign + "Riverside");
      expect(caption).toMatch(/^A story\n\nx x x/);
    }
  });

  it("refuses a template and link line that alone carry more than 30 hashtags", () => {
    const template = `{title} ${Array.from({ length: 31 }, (_, i) => `#t${i}`).join(" ")}`;
    expect(() => render(base, { template })).toThrow(/31 hashtags; Instagram allows 30/);
  });

  it("alt text: the core's, cut to 1,000 as counted", () => {
    const r = render(base, { image: { url: image.url, alt: "Мост 🌉 ".repeat(300) } });
    expect(instagramLength(r.payload.image.alt)).toBeLessThanOrEqual(1000);
    expect(r.payload.image.alt.length).toBeGreaterThan(500);
  });

  it("is pure: the same input, the same post", () => {
    expect(render(TRICKY_ITEMS[3]![1])).toEqual(render(TRICKY_ITEMS[3]![1]));
  });
});
