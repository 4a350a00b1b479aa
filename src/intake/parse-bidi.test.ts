/** Bidirectional formatting at the parse stage: every field a post is made of comes out balanced, for every format. */
import { describe, expect, it } from "vitest";
import type { FeedItem } from "../core/feed-item.js";
import { parseFeed } from "./parse.js";

const [RLE, PDF, RLO, RLI, PDI, RLM] = ["\u202b", "\u202c", "\u202e", "\u2067", "\u2069", "\u200f"];
const OVERRIDES = /[\u202d\u202e]/u;

const parse = (body: string) => parseFeed(Buffer.from(body, "utf8"), null, "f", "https://news.example.com/feed/");
const postText = (item: FeedItem): string => [item.title, item.summary, item.author ?? "", ...item.categories, item.imageAlt ?? ""].join("\n");

const rss = (title: string, text: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${title}</title><link>https://news.example.com/</link>
<item><title>${title}</title><link>https://news.example.com/a</link><dc:creator>${text}</dc:creator><category>${text}</category>
<description><![CDATA[<p>${text}</p><img src="/a.jpg" width="800" alt="${text}">]]></description></item></channel></rss>`;
const atom = (title: string, text: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title>
<entry><id>a</id><title>${title}</title><link href="https://news.example.com/a"/><author><name>${text}</name></author>
<category term="${text}"/><summary type="html">&lt;p&gt;${text}&lt;/p&gt;</summary></entry></feed>`;
const json = (title: string, text: string) =>
  JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title,
    items: [{ id: "a", url: "https://news.example.com/a", title, summary: text, authors: [{ name: text }], tags: [text] }],
  });

describe("parseFeed: bidirectional formatting", () => {
  it.each([
    ["RSS", rss],
    ["Atom", atom],
    ["JSON Feed", json],
  ])("%s: overrides dropped and what is left open closed, in every field", async (_name, build) => {
    const feed = await parse(build(`RTL ${RLO}gnp.exe${PDF}`, `${RLI}عاجل ${RLO}txt.exe`));
    const item = feed.items[0]!;
    expect(feed.title).toBe("RTL gnp.exe");
    expect(item.title).toBe("RTL gnp.exe");
    expect(item.summary).toBe(`${RLI}عاجل txt.exe${PDI}`);
    expect(item.author).toBe(`${RLI}عاجل txt.exe${PDI}`);
    expect(item.categories).toEqual([`${RLI}عاجل txt.exe${PDI}`]);
    if (build === rss) expect(item.imageAlt).toBe(`${RLI}عاجل txt.exe${PDI}`);
    expect(postText(item)).not.toMatch(OVERRIDES);
  });

  it.each([
    ["RSS", rss],
    ["Atom", atom],
    ["JSON Feed", json],
  ])("%s: Hebrew and Arabic with their marks come through byte for byte", async (_name, build) => {
    const title = `גרסה 2.0${RLM} — עדכון`;
    const text = `${RLE}مرحبا بالعالم${PDF} (UN) ${RLI}שלום${PDI}`;
    const item = (await parse(build(title, text))).items[0]!;
    expect(item.title).toBe(title);
    expect(item.summary).toBe(text);
    expect(item.author).toBe(text);
    expect(item.categories).toEqual([text]);
  });
});
