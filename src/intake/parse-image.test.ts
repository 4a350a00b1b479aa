import { describe, expect, it } from "vitest";
import { firstPictureIn, imageOf } from "./parse-image.js";

const BASE = "https://news.example.org/2026/11/story/";

describe("imageOf: the article's picture from the feed, first match wins", () => {
  it.each<[string, Record<string, unknown>, string, { url: string; alt: string | null } | null]>([
    ["an image enclosure", { enclosure: { url: "/img/e.jpg", type: "image/jpeg" }, mediaContent: [{ $: { url: "https://cdn.example.org/m.jpg" } }] }, '<img src="/i.jpg">', { url: "https://news.example.org/img/e.jpg", alt: null }],
    ["not an audio enclosure", { enclosure: { url: "/a.mp3", type: "audio/mpeg" } }, "", null],
    ["the largest media:content", { mediaContent: [{ $: { url: "https://c/s.jpg", width: "300", medium: "image" } }, { $: { url: "https://c/l.jpg", width: "1600", medium: "image", }, "media:description": ["A river"] }] }, "", { url: "https://c/l.jpg", alt: "A river" }],
    ["media:thumbnail", { mediaThumbnail: [{ $: { url: "https://c/t.jpg" } }] }, "", { url: "https://c/t.jpg", alt: null }],
    ["not a video media:content", { mediaContent: [{ $: { url: "https://c/v.mp4", medium: "video" } }] }, "", null],
    ["the first meaningful <img>", {}, '<p><img src="https://stats.wordpress.com/b.gif?x=1" width="1" height="1"><img src="/e/emoji/1f600.png" width="72"><img src="photo.jpg" alt="The ferry at dusk" width="1024"></p>', { url: `${BASE}photo.jpg`, alt: "The ferry at dusk" }],
    ["an icon narrower than minWidth is skipped", {}, '<img src="/icon.png" width="48"><img data-src="/big.jpg">', { url: "https://news.example.org/big.jpg", alt: null }],
    ["nothing", {}, "<p>no pictures</p>", null],
  ])("%s", (_name, raw, html, expected) => {
    expect(imageOf(raw, html, BASE)).toEqual(expected);
  });

  it("reads the HTML with a real parser (attributes in any order and quoting, entities decoded)", () => {
    expect(firstPictureIn(`<IMG alt='Tom &amp; Jerry' SRC=/a.jpg>`, BASE, 200)).toEqual({ url: "https://news.example.org/a.jpg", alt: "Tom & Jerry" });
  });
});
