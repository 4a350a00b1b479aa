// Render, checked against the loopback's own reading of Meta's rules (500 characters with emoji as
// UTF-8 bytes, at most 5 unique links counting the link attachment).
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { threadsCharacters, uniqueLinks } from "../../test/loopback/threads-api/text-rules.js";
import { threadsConfig } from "./config.js";
import { THREADS_DEFAULT_TEMPLATE, renderThreads, threadsLimits, topicTag } from "./render.js";

const LINK = "https://news.example.org/2026/11/26/a-story/?p=48213";
const base: FeedItem = { feedId: "news", guid: "g1", link: LINK, title: "A story", summary: "A summary.", author: "Desk", categories: ["Local news", "Politics"], imageUrl: null, publishedAt: "2026-11-26T17:40:00.000Z" };
const cfg = threadsConfig.parse({ accessToken: "${THREADS_TOKEN}" });
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: THREADS_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, ...over });
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 7}`).join(" ");
const render = (item: Partial<FeedItem>, s: Partial<PostStyle> = {}, c = cfg, limits = threadsLimits()) => renderThreads({ ...base, ...item }, c, limits, style(s));

describe("renderThreads: within 500 as Threads counts, the link intact", () => {
  it.each([
    ["400-character title", { title: words(60).slice(0, 400) }],
    ["10,000-character summary", { summary: words(1500) }],
    ["emoji ZWJ sequences, flags, skin tones, keycaps", { title: "Family day 👩‍👩‍👧‍👦 at the 🏳️‍🌈 parade 🇰🇿🇺🇦 1️⃣", summary: "👍🏽 ".repeat(400) }],
    ["Kazakh and Russian Cyrillic", { title: "Қазақстан жаңалықтары", summary: "Школа в Заречье получит новый спортзал. ".repeat(40) }],
    ["CJK", { title: "東京で新しい図書館が開館しました", summary: "市の中心部に新しい図書館が完成し、多くの市民が訪れました。".repeat(30) }],
    ["combining marks and RTL", { title: "Zalgo Z̷̢̛̛a̶̡l̴g̸o̵ مرحبا", summary: "ééé".normalize("NFD").repeat(300) }],
    ["HTML-looking text and <&>", { title: `AT&T <b>bold</b> & "quotes" 5 > 3 < 4`, summary: `Use <i>tags</i> & &amp; as text. ${"x & y < z ".repeat(80)}` }],
  ])("%s", (_name, item) => {
    const r = render(item);
    expect(r.length).toBe(threadsCharacters(r.payload.text));
    expect(r.length).toBeLessThanOrEqual(500);
    expect(r.payload.text).toContain(LINK);
    expect(r.payload).toMatchObject({ link: LINK, mediaType: "TEXT" });
    expect(uniqueLinks(r.payload.text, LINK).size).toBeLessThanOrEqual(5);
  });

  it("counts a CJK or Cyrillic letter as one: 480 of them fit whole, where their bytes would not", () => {
    const summary = "東".repeat(300) + "Ж".repeat(100);
    const r = render({ title: "T", summary });
    expect(r.payload.text).toContain(summary);
    expect(Buffer.byteLength(r.payload.text)).toBeGreaterThan(500);
  });

  it("counts emoji by their bytes: a summary of 👍🏽 is cut to what 8 bytes each allow", () => {
    const r = render({ title: "T", summary: "👍🏽".repeat(100) }, { template: "{summary}\n{link}" });
    const kept = [...r.payload.text.matchAll(/👍🏽/gu)].length;
    expect(kept).toBeLessThan(100);
    expect(r.length).toBeLessThanOrEqual(500);
    expect(r.length + 8).toBeGreaterThan(500 - 3); // nearly full: at most one more thumbs (and the ellipsis) missing
    expect(threadsCharacters(r.payload.text)).toBe(r.length);
  });

  it("keeps at most five unique links: the link, then the title's, then the summary's first", () => {
    const urls = Array.from({ length: 8 }, (_, i) => `https://src${i}.example/p`);
    const r = render({ title: `Via ${urls[0]}`, summary: `See ${urls.slice(1).join(" and ")} and ${LINK} again.` });
    const links = uniqueLinks(r.payload.text, LINK);
    expect(links.size).toBe(5);
    expect([...links]).toEqual(expect.arrayContaining([LINK, urls[0], urls[1], urls[2], urls[3]]));
    expect(r.payload.text).not.toContain(urls[4]);
  });

  it("counts the link attachment even when the template leaves the link out of the text", () => {
    const r = render({ summary: Array.from({ length: 6 }, (_, i) => `www.s${i}.example`).join(" ") }, { template: "{title}\n{summary}" });
    expect(r.payload.text).not.toContain(LINK);
    expect(uniqueLinks(r.payload.text, LINK).size).toBe(5);
    expect(r.preview).toContain(`[link preview: ${LINK}]`);
  });

  it("refuses a template whose own text carries too many links", () => {
    const template = `${Array.from({ length: 5 }, (_, i) => `https://t${i}.example`).join(" ")} {title} {link}`;
    expect(() => render({}, { template })).toThrow(RenderError);
  });

  it("keeps one topic tag: the first valid one (1–50 characters, not a number)", () => {
    expect(render({}, { hashtags: ["#LocalNews", "#Politics"] }).payload.text).toMatch(/#LocalNews$/);
    expect(render({}, { hashtags: ["#LocalNews", "#Politics"] }).payload.text).not.toContain("#Politics");
    expect(topicTag("#2026 #Elections.Results")).toBe("#Elections");
    expect(topicTag(`#${"x".repeat(51)} #ok`)).toBe("#ok");
  });

  it("an image post: mediaType IMAGE, the link in the text", () => {
    const r = render({}, { image: { url: "https://news.example.org/a.jpg", alt: "The new park" } });
    expect(r.payload).toMatchObject({ mediaType: "IMAGE", link: LINK });
    expect(r.payload.text).toContain(LINK);
    expect(r.preview.startsWith("[image: The new park]\n")).toBe(true);
  });

  it("postAs text ignores the image; postAs image without one cannot be made", () => {
    const image = { url: "https://news.example.org/a.jpg", alt: "alt" };
    expect(render({}, { image }, threadsConfig.parse({ accessToken: "${T}", postAs: "text" })).payload.mediaType).toBe("TEXT");
    expect(() => render({}, {}, threadsConfig.parse({ accessToken: "${T}", postAs: "image" }))).toThrow(/no usable image/);
  });

  it("fits an operator's tighter limit, and is pure", () => {
    const tight = { ...threadsLimits(), maxLength: 120, source: "config" as const };
    const r = render({ summary: words(200) }, {}, cfg, tight);
    expect(r.length).toBeLessThanOrEqual(120);
    expect(render({ summary: words(200) }, {}, cfg, tight)).toEqual(r);
  });
});
