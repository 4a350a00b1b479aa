import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError, parseFeed, type ParsedFeed } from "./parse.js";

const FEED_URL = "https://news.example.com/feed/";
const parse = (xml: string | Buffer, feedUrl: string | null = FEED_URL, contentType: string | null = null): Promise<ParsedFeed> =>
  parseFeed(typeof xml === "string" ? Buffer.from(xml, "utf8") : xml, contentType, "f", feedUrl);
const rss = (items: string, channel = "<title>C</title><link>https://news.example.com/</link>", rootAttrs = ""): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"${rootAttrs}><channel>${channel}${items}</channel></rss>`;
const atom = (entries: string, feedAttrs = "", head = "<title>A</title>"): string =>
  `<feed xmlns="http://www.w3.org/2005/Atom"${feedAttrs}>${head}${entries}</feed>`;
const first = async (xml: string, feedUrl: string | null = FEED_URL) => {
  const feed = await parse(xml, feedUrl);
  expect(feed.items.length).toBeGreaterThan(0);
  return feed.items[0]!;
};
const errorOf = async (xml: string | Buffer, contentType: string | null = null): Promise<string> => {
  const error = await parse(xml, FEED_URL, contentType).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParseError);
  return (error as ParseError).message;
};

describe("parseFeed: RSS items", () => {
  it("reads title, link, guid, date, summary, author, categories and image", async () => {
    const item = await first(
      rss(`<item><title>AT&amp;T&#8217;s &lt;b&gt;news&lt;/b&gt;</title><link>https://news.example.com/a</link>
      <guid isPermaLink="false">post-1</guid><pubDate>Sun, 30 Jun 2024 12:00:00 +0000</pubDate><dc:creator>Jane</dc:creator>
      <category>Local</category><category>Local</category><category>Schools</category>
      <description>&lt;p&gt;Hello &lt;img src="/img/a.jpg"&gt; world&lt;/p&gt;</description></item>`),
    );
    expect(item).toEqual({
      feedId: "f",
      guid: "post-1",
      link: "https://news.example.com/a",
      title: "AT&T’s news",
      summary: "Hello world",
      author: "Jane",
      categories: ["Local", "Schools"],
      imageUrl: "https://news.example.com/img/a.jpg",
      imageAlt: null,
      publishedAt: "2024-06-30T12:00:00.000Z",
    });
  });

  it.each<[string, string, string | null]>([
    ["a guid without isPermaLink is the permalink", `<guid>https://news.example.com/p</guid>`, "https://news.example.com/p"],
    ['isPermaLink="true"', `<guid isPermaLink="true">https://news.example.com/p</guid>`, "https://news.example.com/p"],
    ['isPermaLink="false" is not a link', `<guid isPermaLink="false">https://news.example.com/p</guid>`, null],
    ["isPermaLink=' FALSE ' is not a link", `<guid isPermaLink=' FALSE '>https://news.example.com/p</guid>`, null],
    ["a guid that is not an http URL is not a link", `<guid>tag:example.com,2024:1</guid>`, null],
    ["<link> wins over the guid", `<link>https://news.example.com/l</link><guid>https://news.example.com/g</guid>`, "https://news.example.com/l"],
  ])("%s", async (_name, fields, link) => {
    expect((await first(rss(`<item><title>t</title>${fields}</item>`))).link).toBe(link);
  });

  // Without xml:base a relative link is relative to the site (the channel link), not to where the
  // feed is served from; `legacy` is the link as Crier resolved it before (against the feed URL).
  it.each<[string, { item?: string; channel?: string; root?: string; link?: string | null; href?: string }, string | null, string, string | null]>([
    ["relative link: the channel link (the site), not the feed URL", {}, "https://proxy.example.net/feeds/site.xml", "https://site.example.org/a/b", "https://proxy.example.net/a/b"],
    ["a path-relative link: under the channel link's path", { href: "c/d", link: "https://site.example.org/blog/" }, "https://proxy.example.net/feeds/site.xml", "https://site.example.org/blog/c/d", "https://proxy.example.net/feeds/c/d"],
    ["relative link, no feed URL: the channel link", {}, null, "https://site.example.org/a/b", null],
    ["a relative channel link: itself against the feed URL", { link: "/home/" }, "https://proxy.example.net/feeds/site.xml", "https://proxy.example.net/a/b", null],
    ["no channel link: the feed URL", { link: null }, "https://proxy.example.net/feeds/site.xml", "https://proxy.example.net/a/b", null],
    ["a channel link that is not http: the feed URL", { link: "ftp://site.example.org/" }, "https://proxy.example.net/feeds/site.xml", "https://proxy.example.net/a/b", null],
    ["xml:base on the item", { item: ` xml:base="https://cdn.example.net/x/"` }, FEED_URL, "https://cdn.example.net/a/b", null],
    ["xml:base on the channel", { channel: ` xml:base="https://base.example.org/"` }, FEED_URL, "https://base.example.org/a/b", null],
    ["xml:base on <rss>, relative: against the feed URL", { root: ` xml:base="/sub/"`, href: "c" }, "https://proxy.example.net/feeds/site.xml", "https://proxy.example.net/sub/c", null],
    ["an absolute link is as it is", { href: "https://other.example.com/z" }, "https://proxy.example.net/feeds/site.xml", "https://other.example.com/z", null],
  ])("%s", async (_name, opt, feedUrl, link, legacy) => {
    const channelLink = opt.link === undefined ? "https://site.example.org/" : opt.link;
    const xml = rss(`<item${opt.item ?? ""}><title>t</title><link>${opt.href ?? "/a/b"}</link></item>`, `<title>C</title>${channelLink ? `<link>${channelLink}</link>` : ""}`, opt.root ?? "").replace(
      "<channel>",
      `<channel${opt.channel ?? ""}>`,
    );
    const feed = await parse(xml, feedUrl);
    const [item] = feed.items;
    expect(item?.link).toBe(link);
    expect((item && feed.legacyLinks?.get(item)) ?? null).toBe(legacy);
  });

  it("xml:base on <rss> and <channel> chain, relative to each other", async () => {
    const xml = rss(`<item><title>t</title><link>c/d</link></item>`, `<title>C</title>`, ` xml:base="https://base.example.org/root/"`).replace(
      "<channel>",
      `<channel xml:base="sub/">`,
    );
    expect((await first(xml)).link).toBe("https://base.example.org/root/sub/c/d");
  });

  it("prefers FeedBurner's origLink over its tracking <link>", async () => {
    const item = await first(
      rss(`<item><title>t</title><link>http://feedproxy.google.com/~r/x/~3/abc/post.html</link>
      <feedburner:origLink xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">https://blog.example.org/post.html</feedburner:origLink></item>`),
    );
    expect(item.link).toBe("https://blog.example.org/post.html");
  });

  it("reads the date from dc:date when there is no pubDate, and from a valid one when pubDate is junk", async () => {
    const feed = await parse(
      rss(`<item><title>a</title><dc:date>2024-06-30T11:00:00Z</dc:date></item>
      <item><title>b</title><pubDate>soon</pubDate><dc:date>2024-06-30T10:00:00+02:00</dc:date></item>
      <item><title>c</title><pubDate>not a date</pubDate></item>`),
    );
    expect(feed.items.map((i) => i.publishedAt)).toEqual(["2024-06-30T11:00:00.000Z", "2024-06-30T08:00:00.000Z", null]);
  });

  it("takes the summary from content:encoded when there is no description, and drops WordPress boilerplate", async () => {
    const item = await first(
      rss(`<item><title>t</title><content:encoded><![CDATA[<p>Body text.</p><p>The post <a href="https://x/">t</a> appeared first on <a href="https://x/">X</a>.</p>]]></content:encoded></item>`),
    );
    expect(item.summary).toBe("Body text.");
  });

  it("keeps titles' golden cases intact: long, emoji, Cyrillic, CJK, <&> as text", async () => {
    const long = "Долгий заголовок ".repeat(24).trim();
    const titles = [long, "Family 👨‍👩‍👧‍👦 trip 🇺🇦", "日本語のニュース 速報", "x &lt; y &amp;&amp; y &gt; z", "Use &lt;div&gt; &amp; more"];
    const feed = await parse(rss(titles.map((t, i) => `<item><title>${t}</title><guid>${i}</guid></item>`).join("")));
    expect(feed.items.map((i) => i.title)).toEqual([long, "Family 👨‍👩‍👧‍👦 trip 🇺🇦", "日本語のニュース 速報", "x < y && y > z", "Use <div> & more"]);
  });

  it.each<[string, string, string]>([
    ["C1 controls that are windows-1252 (&#146;)", "don&#146;t", "don’t"],
    ["UTF-8 read as windows-1252 twice", "donâ€™t â€œquotedâ€\u009d cafÃ©", "don’t “quoted” café"],
    ["U+FFFD from unreadable bytes", "bad \ufffdbyte", "bad byte"],
    ["Latin-1 text that only looks like mojibake stays", "café…» Ä–Ö", "café…» Ä–Ö"],
  ])("repairs titles: %s", async (_name, raw, title) => {
    expect((await first(rss(`<item><title>${raw}</title><guid>1</guid></item>`))).title).toBe(title);
  });

  it("leaves out items with nothing to post, and says so", async () => {
    const feed = await parse(rss(`<item><guid isPermaLink="false">only-an-id</guid></item><item/><item><title>kept</title></item>`));
    expect(feed.items.map((i) => i.title)).toEqual(["kept"]);
    expect(feed.warnings).toEqual(["left out 2 entries with no title, link, text or image"]);
  });

  it("reads the image from media:content, media:group and enclosures", async () => {
    const media = `xmlns:media="http://search.yahoo.com/mrss/"`;
    const feed = await parse(
      rss(
        `<item><title>a</title><media:content url="https://i.example/small.jpg" medium="image" width="100"/><media:content url="https://i.example/big.jpg" medium="image" width="800"/></item>
        <item><title>b</title><media:group><media:content url="https://v.example/v.mp4" type="video/mp4"/><media:thumbnail url="https://i.example/thumb.jpg"/><media:description>From the group</media:description></media:group></item>
        <item><title>c</title><enclosure url="/e.png" type="image/png" length="1"/></item>`,
      ).replace("<rss ", `<rss ${media} `),
    );
    expect(feed.items.map((i) => [i.imageUrl, i.summary])).toEqual([
      ["https://i.example/big.jpg", ""],
      ["https://i.example/thumb.jpg", "From the group"],
      ["https://news.example.com/e.png", ""],
    ]);
  });
});

describe("parseFeed: Atom", () => {
  it("resolves links through nested xml:base, picks rel=alternate HTML, reads published", async () => {
    const feed = await parse(
      atom(
        `<entry xml:base="posts/"><title>E</title><id>tag:x,2024:1</id>
          <link rel="self" href="/api/1"/><link rel="enclosure" href="a.mp3"/><link rel="alternate" type="application/json" href="1.json"/>
          <link rel="alternate" type="text/html" href="1.html"/><published>2024-06-30T12:00:00+02:00</published><updated>2024-07-01T00:00:00Z</updated>
          <summary>S</summary></entry>`,
        ` xml:base="https://blog.example.org/en/"`,
        `<title>A</title><link rel="self" href="/feed.atom"/><link href="./"/>`,
      ),
    );
    expect(feed.channelLink).toBe("https://blog.example.org/en/");
    expect(feed.items[0]).toMatchObject({ guid: "tag:x,2024:1", link: "https://blog.example.org/en/posts/1.html", publishedAt: "2024-06-30T10:00:00.000Z", summary: "S" });
  });

  it.each<[string, string, string, string, string | null]>([
    ["a relative entry link: against the alternate link (the site)", "", `<link href="https://releases.example.org/app/"/>`, "https://releases.example.org/app/tag/v1", "https://proxy.example.net/app/tag/v1"],
    ["with xml:base on the feed: against it", ` xml:base="https://base.example.org/"`, `<link href="https://releases.example.org/app/"/>`, "https://base.example.org/app/tag/v1", null],
    ["no alternate link: the feed URL", "", `<link rel="self" href="/feeds/app.atom"/>`, "https://proxy.example.net/app/tag/v1", null],
  ])("%s", async (_name, feedAttrs, head, link, legacy) => {
    const feed = await parse(atom(`<entry><title>v1</title><id>tag:1</id><link href="/app/tag/v1"/></entry>`, feedAttrs, `<title>A</title>${head}`), "https://proxy.example.net/feeds/app.atom");
    const [item] = feed.items;
    expect(item?.link).toBe(link);
    expect((item && feed.legacyLinks?.get(item)) ?? null).toBe(legacy);
  });

  it("a link without rel is the alternate; an entry with only self/edit links has none (its id is not a link)", async () => {
    const feed = await parse(
      atom(`<entry><title>a</title><link href="https://x.example/a"/></entry><entry><title>b</title><id>https://x.example/b</id><link rel="edit" href="https://x.example/e"/></entry>`),
    );
    expect(feed.items.map((i) => i.link)).toEqual(["https://x.example/a", null]);
  });

  it("flattens type=xhtml titles in order and keeps type=xhtml content as HTML", async () => {
    const xhtml = `xmlns="http://www.w3.org/1999/xhtml"`;
    const feed = await parse(
      atom(
        `<entry><title type="xhtml"><div ${xhtml}><b>Bold</b> then <i>italic</i> &amp; more</div></title><id>1</id>
        <content type="xhtml"><div ${xhtml}><p>First <a href="/x">link</a> then text.</p></div></content></entry>`,
        "",
        `<title type="xhtml"><div ${xhtml}>Feed <em>title</em></div></title>`,
      ),
    );
    expect(feed.title).toBe("Feed title");
    expect(feed.items[0]).toMatchObject({ title: "Bold then italic & more", summary: "First link then text." });
  });

  it("decodes type=html titles", async () => {
    expect((await first(atom(`<entry><title type="html">AT&amp;amp;T &lt;em&gt;now&lt;/em&gt; &amp;#8211; live</title><id>1</id></entry>`))).title).toBe("AT&T now – live");
  });

  it("reads Atom 0.3 dates (issued, modified)", async () => {
    const feed = await parse(
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>A</title><entry><title>t</title><link rel="alternate" type="text/html" href="https://x.example/1"/><issued>2004-01-01T10:00:00Z</issued></entry></feed>`,
    );
    expect(feed.items[0]).toMatchObject({ link: "https://x.example/1", publishedAt: "2004-01-01T10:00:00.000Z" });
  });

  it("an unreadable <published> loses the date, not the feed", async () => {
    const feed = await parse(atom(`<entry><title>a</title><id>1</id><published>yesterday</published></entry><entry><title>b</title><id>2</id><updated>2024-06-30T12:00:00Z</updated></entry>`));
    expect(feed.items.map((i) => [i.title, i.publishedAt])).toEqual([
      ["a", null],
      ["b", "2024-06-30T12:00:00.000Z"],
    ]);
    expect(feed.warnings.join()).toMatch(/ignored 1 dates that could not be read/);
  });
});

describe("parseFeed: RDF and old RSS", () => {
  it("RSS 1.0: rdf:about is the guid and stands in for a missing link", async () => {
    const feed = await parse(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.example/"><title>R</title><link>https://x.example/</link></channel>
      <item rdf:about="https://x.example/1"><title>one</title><link>https://x.example/1.html</link></item><item rdf:about="https://x.example/2"><title>two</title></item></rdf:RDF>`,
    );
    expect(feed.title).toBe("R");
    expect(feed.items.map((i) => [i.guid, i.link])).toEqual([
      ["https://x.example/1", "https://x.example/1.html"],
      ["https://x.example/2", "https://x.example/2"],
    ]);
  });

  it("RSS 0.91 with its DOCTYPE, and <rss> without a version", async () => {
    const doctype = `<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">`;
    expect((await first(`${doctype}<rss version="0.91"><channel><title>C</title><item><title>old &eacute;t&eacute;</title></item></channel></rss>`)).title).toBe("old été");
    expect((await first(`<rss><channel><item><title>no version</title></item></channel></rss>`)).title).toBe("no version");
  });

  it("items directly under <rss> (no <channel>) are still read", async () => {
    expect((await first(`<rss version="2.0"><item><title>orphan</title></item></rss>`)).title).toBe("orphan");
    expect((await parse(`<rss version="2.0"/>`)).items).toEqual([]);
  });

  it("RSS in a prefixed namespace", async () => {
    const xml = `<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"><r:channel><r:title>C</r:title><r:item><r:title>t</r:title><r:description>d</r:description></r:item></r:channel></r:rss>`;
    expect((await first(xml)).summary).toBe("d");
  });
});

describe("parseFeed: leniency", () => {
  it("expands entities declared in the DOCTYPE, silently (it is well-formed)", async () => {
    const feed = await parse(`<!DOCTYPE rss [\n<!ENTITY id "tag:example.com,">\n<!ENTITY who 'Jane &amp; Joe'>\n]>\n<rss version="2.0"><channel><item><title>&who;</title><guid isPermaLink='false'>&id;2006:/blog/</guid></item></channel></rss>`);
    expect(feed.items[0]).toMatchObject({ title: "Jane & Joe", guid: "tag:example.com,2006:/blog/" });
    expect(feed.warnings).toEqual([]);
  });

  it("refuses to grow the text by more than a megabyte through DOCTYPE entities", async () => {
    const xml = `<!DOCTYPE rss [<!ENTITY big "${"x".repeat(5000)}">]><rss version="2.0"><channel><item><title>${"&big;".repeat(300)}</title></item></channel></rss>`;
    const feed = await parse(xml);
    expect(feed.items[0]?.title).toBe("&big;".repeat(300));
    expect(feed.warnings.join("\n")).toMatch(/did not expand the DOCTYPE's entities: they would add 1498500 characters[\s\S]*escaped 300 stray '&'/);
  });

  it("ignores a DOCTYPE for another document type, with a warning", async () => {
    const feed = await parse(`<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x"><rss><channel><title>found</title></channel></rss>`);
    expect(feed.title).toBe("found");
    expect(feed.warnings).toEqual(["ignored a DOCTYPE for <html> on an <rss> document"]);
  });

  it("a document cut off mid-item keeps the complete items and leaves out the cut one", async () => {
    const feed = await parse(rss(`<item><title>complete</title><link>https://x.example/1</link></item><item><title>half a ti`).replace(/<\/channel><\/rss>$/, ""));
    expect(feed.items.map((i) => i.title)).toEqual(["complete"]);
    expect(feed.warnings.join("\n")).toMatch(/recovered from malformed XML at line 1: unclosed root tag.*ends early.*left out the last entry, which was cut off/s);
  });

  it("a broken document with no complete item is an error, not an empty feed", async () => {
    expect(await errorOf("<rss><channel><title>T</title><item><title>broken")).toBe(
      'malformed XML at line 1: unclosed root tag (near "<rss><channel><title>T</title><item><title>broken"); no complete entry could be recovered',
    );
  });

  it("escapes stray & and <, closes <br>, drops close tags that close nothing", async () => {
    const feed = await parse(
      rss(`<item><title>AT&T < Verizon</title><link>https://x.example/?a=1&b=2</link><description>line<br>next &nbsp; &unknown; done</p></description></item>`),
    );
    expect(feed.items[0]).toMatchObject({ title: "AT&T < Verizon", link: "https://x.example/?a=1&b=2" });
    expect(feed.items[0]?.summary).toMatch(/^line.*next.*&unknown; done$/);
    expect(feed.warnings.join()).toMatch(/escaped 3 stray '&'.*escaped 1 stray '<'.*closed 1 HTML tags.*dropped 1 close tags/);
  });

  it("ignores text before the XML (a PHP warning), with a warning", async () => {
    const feed = await parse(`Warning: Cannot modify header information in /var/www/feed.php on line 12\n${rss("<item><title>t</title></item>")}`);
    expect(feed.items).toHaveLength(1);
    expect(feed.warnings[0]).toMatch(/^ignored 73 characters of text before the XML \("Warning: Cannot modify/);
  });

  it("reads unescaped HTML in a description in document order", async () => {
    const feed = await parse(rss(`<item><title>t</title><description><p>Read <a href="/x">this</a> now &amp; <b>then</b>.</p></description></item><item><title>u</title><description type="text">plain</description></item>`));
    expect(feed.items.map((i) => i.summary)).toEqual(["Read this now & then.", "plain"]);
    expect(feed.warnings).toEqual(["read the unescaped HTML in 1 description as HTML"]);
  });

  it("reads undeclared namespace prefixes", async () => {
    expect((await first(`<rss version="2.0"><channel><item><title>t</title><itunes:subtitle>s</itunes:subtitle><dc:creator>Jo</dc:creator></item></channel></rss>`)).author).toBe("Jo");
  });

  it("reads a windows-1252 feed that claims UTF-8, with a warning", async () => {
    const body = Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="utf-8"?><rss><channel><item><title>`), iconv.encode("“Smart” café", "windows-1252"), Buffer.from("</title></item></channel></rss>")]);
    const feed = await parse(body);
    expect(feed.items[0]?.title).toBe("“Smart” café");
    expect(feed.warnings).toEqual(["declared utf-8 but the bytes are not valid UTF-8; read as windows-1252"]);
  });

  it("isolates parses: a document that ends without a root does not disturb the next one", async () => {
    const [bad, good] = await Promise.allSettled([parse("<!-- only a comment -->"), parse(rss("<item><title>next</title></item>"))]);
    expect(bad.status).toBe("rejected");
    expect(good.status === "fulfilled" && good.value.items[0]?.title).toBe("next");
  });
});

describe("parseFeed: errors name the problem", () => {
  it.each<[string, string | Buffer, RegExp]>([
    ["empty body", "", /^the feed is empty$/],
    ["whitespace and a BOM", "\ufeff \n ", /^the feed is empty$/],
    ["only a comment", "<!-- nothing -->\n", /^the feed is empty \(no root element/],
    ["a web page", "<!DOCTYPE html><html><head><title>x</title></head></html>", /^not an RSS, RDF, Atom or JSON feed: the root element is <html>, a web page: check the feed URL$/],
    ["another XML document", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`, /^not an RSS, RDF, Atom or JSON feed: the root element is <svg>$/],
    ["plain text", "Service Unavailable", /^not an RSS, RDF, Atom or JSON feed: it does not start with XML \("Service Unavailable"\)$/],
    ["unrecoverable XML", `<rss version="2.0">\n<channel>\n<title 1bad="x">t</title></channel></rss>`, /^malformed XML at line 3: invalid attribute name \(near "<title 1bad/],
    ["JSON that is not a JSON Feed", `{"hello": "world"}`, /^not an RSS, RDF, Atom or JSON feed: JSON, but not a JSON Feed/],
    ["broken JSON", `{"version": "https://jsonfeed.org/version/1.1",\n"items": [],}`, /^malformed JSON at line 2: Expected double-quoted property name/],
  ])("%s", async (_name, body, message) => {
    expect(await errorOf(body)).toMatch(message);
  });

  it("JSON Feed by content type even without a leading {", async () => {
    expect(await errorOf("[1, 2]", "application/feed+json")).toMatch(/not a JSON Feed/);
  });
});

describe("parseFeed: rss-parser's own throws", () => {
  it("an Atom feed with RSS-style <link>text</link>", async () => {
    const feed = await parse(atom(`<entry><title>t</title><link>https://x.example/1</link><id>1</id></entry>`, "", `<title>A</title><link>https://x.example/</link>`));
    expect(feed.channelLink).toBe("https://x.example/");
    expect(feed.items[0]?.link).toBe("https://x.example/1");
    expect(feed.warnings.join()).toMatch(/read 2 <link> elements written RSS-style/);
  });

  it("one repair after another: a stray & and an unreadable date", async () => {
    const feed = await parse(atom(`<entry><title>Q&A</title><id>1</id><published>someday</published></entry>`));
    expect(feed.items[0]).toMatchObject({ title: "Q&A", publishedAt: null });
    expect(feed.warnings.join()).toMatch(/escaped 1 stray '&'; ignored 1 dates that could not be read/);
  });
});

describe("parseFeed: WebSub discovery (W3C WebSub §4)", () => {
  const item = "<item><title>T</title><link>https://news.example.com/a</link></item>";
  it("reads an RSS channel's atom:link hub and self (WordPress's WebSub plugin), relative ones resolved", async () => {
    const feed = await parse(
      rss(item, `<title>C</title><link>https://news.example.com/</link><atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/><atom:link rel="hub" href="/hub2"/><atom:link rel="self" type="application/rss+xml" href="https://news.example.com/feed/"/>`, ' xmlns:atom="http://www.w3.org/2005/Atom"'),
    );
    expect(feed.websub).toEqual({ hubs: ["https://pubsubhubbub.appspot.com/", "https://news.example.com/hub2"], self: "https://news.example.com/feed/" });
  });
  it("reads an Atom feed's link rel=hub and rel=self, not its alternate", async () => {
    const feed = await parse(
      atom("<entry><title>E</title><id>e1</id><link href='https://news.example.com/e1'/></entry>", "", `<title>A</title><link rel="alternate" href="https://news.example.com/"/><link rel="hub" href="https://hub.example/"/><link rel="self" href="https://news.example.com/atom.xml"/>`),
    );
    expect(feed.websub).toEqual({ hubs: ["https://hub.example/"], self: "https://news.example.com/atom.xml" });
  });
  it("finds nothing in a feed without a hub", async () => {
    expect((await parse(rss(item))).websub).toEqual({ hubs: [], self: null });
  });
  it("reads JSON Feed 1.1 hubs of type WebSub only", async () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1", title: "J", feed_url: "https://news.example.com/feed.json",
      hubs: [{ type: "rssCloud", url: "https://cloud.example/" }, { type: "WebSub", url: "https://hub.example/" }],
      items: [{ id: "1", url: "https://news.example.com/1", title: "One" }],
    });
    expect((await parse(json, "https://news.example.com/feed.json", "application/feed+json")).websub).toEqual({ hubs: ["https://hub.example/"], self: "https://news.example.com/feed.json" });
  });
});
