/**
 * The identity scan's own cases, and the full parse's cheap reading of items the scan found known.
 * (Equality with the full parse over the whole corpus: test/corpus/scan-keys.test.ts; over
 * generated documents: test/property/scan-keys.test.ts.)
 */
import { describe, expect, it, vi } from "vitest";
import iconv from "iconv-lite";
import { parseFeed } from "./parse.js";
import { elideInertElements, scanIdentities } from "./scan-keys.js";
import { identifyScanned } from "./select-new.js";
import { buildRss, newsItems } from "../../test/support/rss.js";

const FEED_URL = "https://feeds.example.net/news.xml";
const rss = (items: string, root = ""): Buffer =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"${root}><channel><title>t</title><link>https://news.example.org/</link>${items}</channel></rss>`);

describe("scanIdentities", () => {
  it.each([
    ["guid and link", "<item><guid>g1</guid><link>https://news.example.org/a</link></item>", { guid: "g1", link: "https://news.example.org/a", legacyLink: null }],
    ["a permalink guid is the link", "<item><guid> https://news.example.org/b </guid></item>", { guid: "https://news.example.org/b", link: "https://news.example.org/b", legacyLink: null }],
    ["entities and CDATA", "<item><guid><![CDATA[a&b]]>&amp;c</guid><link>https://news.example.org/?p=1&amp;q=2</link></item>", { guid: "a&b&c", link: "https://news.example.org/?p=1&q=2", legacyLink: null }],
    ["relative link: the site, and the feed URL the old way", "<item><guid>g</guid><link>/c</link></item>", { guid: "g", link: "https://news.example.org/c", legacyLink: "https://feeds.example.net/c" }],
    ["FeedBurner's origLink", "<item><guid>g</guid><link>https://fb.example/x</link><feedburner:origLink>https://news.example.org/d</feedburner:origLink></item>", { guid: "g", link: "https://news.example.org/d", legacyLink: null }],
    ["inert elements around (a WordPress item)", "<item><title>Caf\u00e9 &amp; more</title><dc:creator><![CDATA[Ana]]></dc:creator><pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate><category><![CDATA[News]]></category><guid isPermaLink=\"false\">https://news.example.org/?p=7</guid><link>https://news.example.org/g</link><description><![CDATA[<p>a \"quote\"</p>]]></description><content:encoded><![CDATA[" + "<p>x</p>".repeat(60) + "]]></content:encoded><slash:comments>3</slash:comments></item>", { guid: "https://news.example.org/?p=7", link: "https://news.example.org/g", legacyLink: null }],
    ["non-ASCII UTF-8", "<item><guid>caf\u00e9-\u6771\u4eac</guid><link>https://news.example.org/e</link></item>", { guid: "caf\u00e9-\u6771\u4eac", link: "https://news.example.org/e", legacyLink: null }],
  ])("%s", (_name, item, expected) => {
    expect(scanIdentities(rss(item), null, FEED_URL)?.items).toEqual([expected]);
  });

  it("reads a Latin-1 feed through the decoder", () => {
    const body = iconv.encode(`<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><link>https://news.example.org/</link><item><guid>caf\u00e9</guid><link>/f</link></item></channel></rss>`, "latin1");
    expect(scanIdentities(body, null, FEED_URL)?.items[0]?.guid).toBe("caf\u00e9");
  });

  it.each([
    ["an item without a link", "<item><guid>g</guid></item>"],
    ["a stray ampersand (the full parse repairs)", "<item><guid>g & h</guid><link>https://news.example.org/a</link></item>"],
    ["an unknown entity", "<item><title>a&nbsp;b</title><guid>g</guid><link>https://news.example.org/a</link></item>"],
    ["a mismatched close tag", "<item><guid>g</guid><link>https://news.example.org/a</lnk></item>"],
    ["markup inside a guid", "<item><guid><b>g</b></guid><link>https://news.example.org/a</link></item>"],
    ["a long CDATA guid (left out of the scanned text)", `<item><guid><![CDATA[${"g".repeat(400)}]]></guid><link>https://news.example.org/a</link></item>`],
    ["a cut-off document", "<item><guid>g</guid><link>https://news.example.org/a</link>"],
    ["a comment closed by its opener's dashes (sax reads on)", "<item><guid>g</guid><!--> <link>https://a.example/x</link> --><link>https://news.example.org/a</link></item>"],
    ["a comment <!---> (sax reads on)", "<item><guid>g</guid><!---> <link>https://a.example/x</link> --><link>https://news.example.org/a</link></item>"],
    ["an inert element inside a link", "<item><title>t</title><guid>g</guid><link>https://news.example.org/a<i>b</i></link></item>"],
    ["an inert element inside an attribute value", '<item><title>t</title><guid isPermaLink="<i>b</i>">g</guid><link>https://news.example.org/a</link></item>'],
    ["inert elements and whitespace inside a guid", "<item><guid>g <i>b</i>\n <b>c</b> </guid><link>https://news.example.org/a</link></item>"],
    ["inert elements and whitespace inside a link", "<item><guid>g</guid><link> <i>b</i> <b>c</b>\n</link></item>"],
    ["an inert element after the root", "<item><guid>g</guid><link>https://news.example.org/a</link></item></channel></rss><i>b</i><rss><channel>"],
  ])("gives up on %s", (_name, item) => {
    const body = rss(item);
    expect(scanIdentities(item.endsWith("</link>") ? body.subarray(0, body.length - "</channel></rss>".length) : body, null, FEED_URL)).toBeNull();
  });

  it("gives up on JSON Feed", () => {
    expect(scanIdentities(Buffer.from('{"version":"https://jsonfeed.org/version/1.1","items":[]}'), "application/feed+json", FEED_URL)).toBeNull();
  });
});

describe("elideInertElements", () => {
  it("makes one mark of an item's run of inert elements and the whitespace after them (one text token)", () => {
    const item = "<item>\n\t<title>T &amp; u</title>\n\t<pubDate>Mon</pubDate>\n\t<guid>g</guid>\n\t<category><![CDATA[c]]></category>\r\n <description><![CDATA[d]]></description>\n</item>";
    const elided = elideInertElements(item);
    expect(elided.text).toBe("<item>\n\t\u0002<guid>g</guid>\n\t\u0002</item>");
    // Offsets outside the marks map back: where </item> starts, and </guid>.
    expect(elided.toText(elided.text.indexOf("</item>"))).toBe(item.indexOf("</item>"));
    expect(elided.toText(elided.text.indexOf("</guid>"))).toBe(item.indexOf("</guid>"));
  });

  it.each([
    ["a read element ends a run", "<entry><title>t</title> <link>x</link> <pubDate>p</pubDate></entry>", "<entry>\u0002<link>x</link> \u0002</entry>"],
    ["a name that begins like a read one is not one", "<entry><identifier>i</identifier> <id>x</id></entry>", "<entry>\u0002<id>x</id></entry>"],
    ["a comment ends a run", "<entry><title>t</title> <!-- c --> <b>x</b></entry>", "<entry>\u0002<!-- c --> \u0002</entry>"],
    ["an element with attributes ends a run", "<entry><title>t</title> <b a=\"1\">x</b></entry>", "<entry>\u0002<b a=\"1\">x</b></entry>"],
  ])("runs: %s", (_name, text, expected) => {
    expect(elideInertElements(text).text).toBe(expected);
  });

  it.each([
    ["a comment never closed", "<a><b>x</b><!-- <c>y</c>", false],
    ["a comment closed by its opener's dashes", "<a><b>x</b><!--> <c>y</c>", true],
    ["a comment closed before a later opener", "<a><!-- a --><b>x</b><!-- <c>y</c>", false],
    ["CDATA never closed", "<a><b>x</b><![CDATA[ ]] <c>y</c>", false],
    ["CDATA closed", "<a><b>x</b><![CDATA[ ]]><c>y</c>", true],
    ["a processing instruction never closed", "<?xml version='1.0'?><a><b>x</b><?pi <c", false],
    ["every opener closed", "<?xml version='1.0'?><a><!-- c --><b>x</b><?pi?></a>", true],
  ])("leaves out nothing when an opener is never closed (its search would read to the end from every '<'): %s", (_name, text, elides) => {
    expect(elideInertElements(text).text !== text).toBe(elides);
  });
});

describe("the identities of a changed WordPress feed", () => {
  /** How many URLs the scan and the keys it gives parse, for a feed of n items. */
  const urlParses = (n: number): { parses: number; keys: string[] } => {
    const body = Buffer.from(buildRss(newsItems(n)));
    let parses = 0;
    vi.stubGlobal("URL", class extends URL {
      constructor(...args: ConstructorParameters<typeof URL>) {
        super(...args);
        parses++;
      }
    });
    try {
      const scan = scanIdentities(body, null, FEED_URL);
      const keys = scan ? identifyScanned(scan.items, scan.channelLink) : null;
      return { parses, keys: (keys ?? []).map((entry) => `${entry.key} ${entry.normLink}`) };
    } finally {
      vi.unstubAllGlobals();
    }
  };

  it("cost no URL parse per item: their links are already as the URL parser writes them", () => {
    const one = urlParses(1);
    const many = urlParses(40);
    expect(many.keys).toHaveLength(40);
    expect(many.keys[0]).toBe("guid:https://news.example.org/?p=40 https://news.example.org/2026/11/story-40/");
    expect(many.parses).toBe(one.parses);
  });
});

describe("parseFeed with known items", () => {
  const body = Buffer.from(buildRss(newsItems(3)));
  const scan = scanIdentities(body, null, FEED_URL);

  it("reads the known ones from their identity and date only, the others in full", async () => {
    const known = new Map([[1, scan!.items[1]!], [2, scan!.items[2]!]]);
    const parsed = await parseFeed(body, null, "news", FEED_URL, { known: { count: 3, items: known } });
    expect(parsed.items.map((i) => [i.guid, i.title, i.summary === "" ? "" : "text", i.publishedAt !== null])).toEqual([
      ["https://news.example.org/?p=3", "Story 3: council’s plan & the river <update>", "text", true],
      ["https://news.example.org/?p=2", "", "", true],
      ["https://news.example.org/?p=1", "", "", true],
    ]);
  });

  it("reads everything in full when the document is not the one scanned", async () => {
    const other = { guid: "elsewhere", link: "https://news.example.org/x", legacyLink: null };
    const parsed = await parseFeed(body, null, "news", FEED_URL, { known: { count: 3, items: new Map([[0, other]]) } });
    expect(parsed.items.every((i) => i.title.startsWith("Story"))).toBe(true);
    const recounted = await parseFeed(body, null, "news", FEED_URL, { known: { count: 4, items: new Map([[0, scan!.items[0]!]]) } });
    expect(recounted.items.every((i) => i.title.startsWith("Story"))).toBe(true);
  });
});
