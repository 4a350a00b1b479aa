/**
 * Property: for any generated RSS, RDF or Atom document (entities, CDATA long and short, xml:base
 * at every level, relative links, FeedBurner origLink, shared and missing links and guids,
 * non-ASCII text in UTF-8 or Latin-1, comments, and breakage a strict parser rejects), the identity
 * scan either gives up or yields exactly the keys of the full parse; when the full parse fails,
 * the scan never yields keys.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import { parseFeed } from "../../src/intake/parse.js";
import { scanIdentities } from "../../src/intake/scan-keys.js";
import { identify, identifyScanned } from "../../src/intake/select-new.js";
import { parseNewItems } from "../../src/intake/parse-new.js";

type Keys = Array<{ key: string; normLink: string | null; legacyKey?: string }> | { error: string };

async function fullKeys(body: Buffer, contentType: string | null, feedUrl: string): Promise<Keys> {
  try {
    const parsed = await parseFeed(body, contentType, "p", feedUrl);
    return identify(parsed.items, parsed.channelLink, parsed.legacyLinks).map(({ key, normLink, legacyKey }) => ({ key, normLink, ...(legacyKey ? { legacyKey } : {}) }));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function scanKeys(body: Buffer, contentType: string | null, feedUrl: string): Keys | null {
  const scan = scanIdentities(body, contentType, feedUrl);
  const keys = scan ? identifyScanned(scan.items, scan.channelLink) : null;
  return keys ? keys.map(({ key, normLink, legacyKey }) => ({ key, normLink, ...(legacyKey ? { legacyKey } : {}) })) : null;
}

/** Text as a feed writes it: plain, with entities, in CDATA, padded with whitespace. */
const fragment = fc.constantFrom("a", "b", "/p/1", "?x=1&amp;y=2", "caf\u00e9", "\u6771\u4eac", "&#8217;", "&lt;b&gt;", " ", "\n", "&amp;", "%20", "#top", "..");
const value = fc
  .tuple(fc.array(fragment, { maxLength: 4 }), fc.constantFrom("plain", "cdata", "long-cdata", "padded"))
  .map(([parts, style]) => {
    const text = parts.join("");
    if (style === "cdata") return `<![CDATA[${text.replace(/&amp;/g, "&")}]]>`;
    if (style === "long-cdata") return `<![CDATA[${text.replace(/&amp;/g, "&")}${"x".repeat(300)}]]>`;
    return style === "padded" ? `  ${text}\n` : text;
  });
const url = fc.oneof(
  fc.constantFrom("https://example.org/a", "https://example.org/a", "http://example.org/b?p=1&amp;q=2", "/rel/c", "d", "../e", "", "mailto:x@y", "https://example.org/"),
  value.map((v) => `https://example.org/${v}`),
);
const base = fc.option(fc.constantFrom("https://base.example/dir/", "/sub/", "other/", "http://[bad"), { nil: undefined });
const attr = (name: string, v: string | undefined): string => (v === undefined ? "" : ` ${name}="${v}"`);

const rssItem = fc
  .record({
    guid: fc.option(fc.tuple(value, fc.constantFrom("", ' isPermaLink="false"', ' isPermaLink="true"')), { nil: undefined }),
    link: fc.option(url, { nil: undefined }),
    origLink: fc.option(url, { nil: undefined }),
    base,
    about: fc.option(url, { nil: undefined }),
    title: value,
    description: fc.option(value, { nil: undefined }),
    comment: fc.boolean(),
  })
  .map((i) =>
    [
      `<item${attr("xml:base", i.base)}${attr("rdf:about", i.about)}>`,
      i.comment ? "<!-- <link>https://example.org/commented</link> -->" : "",
      `<title>${i.title}</title>`,
      i.guid ? `<guid${i.guid[1]}>${i.guid[0]}</guid>` : "",
      i.link !== undefined ? `<link>${i.link}</link>` : "",
      i.origLink !== undefined ? `<feedburner:origLink>${i.origLink}</feedburner:origLink>` : "",
      i.description !== undefined ? `<description>${i.description}</description>` : "",
      "</item>",
    ].join(""),
  );

const atomEntry = fc
  .record({
    id: fc.option(value, { nil: undefined }),
    links: fc.array(fc.tuple(url, fc.constantFrom("", ' rel="alternate"', ' rel="self"', ' rel="enclosure"', ' type="text/html"', ' type="audio/mpeg"'), base), { maxLength: 3 }),
    base,
    published: fc.constantFrom("", "2026-01-02T03:04:05Z", "not a date"),
    title: value,
  })
  .map((e) =>
    [
      `<entry${attr("xml:base", e.base)}>`,
      `<title>${e.title}</title>`,
      e.id !== undefined ? `<id>${e.id}</id>` : "",
      ...e.links.map(([href, extra, b]) => `<link href="${href}"${extra}${attr("xml:base", b)}/>`),
      e.published ? `<published>${e.published}</published>` : "",
      "</entry>",
    ].join(""),
  );

/** Breakage a strict XML parser rejects, applied somewhere in the document. */
const damage = fc.constantFrom("none", "none", "none", "stray-amp", "stray-lt", "cut", "unclosed-item", "nbsp", "short-comment", "element-in-link", "element-in-attribute");
function damaged(xml: string, kind: string, at: number): string {
  const i = Math.floor(at * xml.length);
  switch (kind) {
    case "stray-amp":
      return `${xml.slice(0, i)} & ${xml.slice(i)}`;
    case "stray-lt":
      return `${xml.slice(0, i)} < ${xml.slice(i)}`;
    case "cut":
      return xml.slice(0, i);
    case "unclosed-item":
      return xml.replace("</item>", "").replace("</entry>", "");
    case "nbsp":
      return xml.replace("</title>", "&nbsp;</title>");
    // An element the scan leaves out as inert, where it must still make the scan doubt.
    case "short-comment":
      return xml.replace(/<(item|entry)\b([^>]*)>/, "<$1$2><!--> <link>https://example.org/commented</link> -->");
    case "element-in-link":
      return xml.replace(/<\/(link|id|guid)>/, "<i>x</i></$1>");
    case "element-in-attribute":
      return xml.replace(/(<(?:item|entry|link)\b[^>]*?)(\/?>)/, '$1 data-x="<i>x</i>"$2');
    default:
      return xml;
  }
}

const document = fc.oneof(
  fc.record({
    kind: fc.constant("rss" as const),
    items: fc.array(rssItem, { maxLength: 6 }),
    channelLink: fc.option(url, { nil: undefined }),
    rootBase: base,
    channelBase: base,
  }),
  fc.record({
    kind: fc.constant("rdf" as const),
    items: fc.array(rssItem, { maxLength: 6 }),
    channelLink: fc.option(url, { nil: undefined }),
    rootBase: base,
    channelBase: base,
  }),
  fc.record({
    kind: fc.constant("atom" as const),
    items: fc.array(atomEntry, { maxLength: 6 }),
    channelLink: fc.option(url, { nil: undefined }),
    rootBase: base,
    channelBase: fc.constant(undefined),
  }),
);

interface Doc {
  kind: "rss" | "rdf" | "atom";
  items: string[];
  channelLink: string | undefined;
  rootBase: string | undefined;
  channelBase: string | undefined;
}

function render(doc: Doc, encoding: string): string {
  const decl = `<?xml version="1.0" encoding="${encoding}"?>\n`;
  const link = doc.channelLink !== undefined ? (doc.kind === "atom" ? `<link href="${doc.channelLink}"/>` : `<link>${doc.channelLink}</link>`) : "";
  if (doc.kind === "atom") {
    return `${decl}<feed xmlns="http://www.w3.org/2005/Atom"${attr("xml:base", doc.rootBase)}><title>t</title>${link}${doc.items.join("\n")}</feed>`;
  }
  if (doc.kind === "rdf") {
    return `${decl}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"${attr("xml:base", doc.rootBase)}><channel${attr("xml:base", doc.channelBase)}><title>t</title>${link}</channel>${doc.items.join("\n")}</rdf:RDF>`;
  }
  return `${decl}<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"${attr("xml:base", doc.rootBase)}><channel${attr("xml:base", doc.channelBase)}><title>t</title>${link}\n${doc.items.join("\n")}</channel></rss>`;
}

describe("identity scan (property)", () => {
  it("gives up, or gives exactly the full parse's keys", async () => {
    let scanned = 0;
    let partial = 0;
    await fc.assert(
      fc.asyncProperty(
        document,
        damage,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom("UTF-8", "ISO-8859-1"),
        fc.constantFrom(null, "application/rss+xml", "text/xml; charset=utf-8"),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        async (doc, kind, at, encoding, contentType, knownMask) => {
          const xml = damaged(render(doc, encoding), kind, at);
          const body = encoding === "UTF-8" ? Buffer.from(xml, "utf8") : iconv.encode(xml, "latin1");
          const feedUrl = "https://feeds.example.net/x/feed.xml";
          const scan = scanKeys(body, contentType, feedUrl);
          if (scan === null) return;
          scanned++;
          expect(scan).toEqual(await fullKeys(body, contentType, feedUrl));
          // New items first: the document without the known ones gives the full parse's new items and keys.
          const scanned2 = scanIdentities(body, contentType, feedUrl);
          if (!scanned2) return;
          const known = new Set(scanned2.items.flatMap((_, i) => (knownMask[i] ? [i] : [])));
          const fewer = await parseNewItems(body, scanned2, known, contentType, "p", feedUrl);
          if (!fewer) return;
          partial++;
          const full = await parseFeed(body, contentType, "p", feedUrl);
          expect(fewer.items.filter((_, i) => !known.has(i))).toEqual(full.items.filter((_, i) => !known.has(i)));
          expect(identify(fewer.items, fewer.channelLink, fewer.legacyLinks).map((i) => i.key)).toEqual(identify(full.items, full.channelLink, full.legacyLinks).map((i) => i.key));
        },
      ),
      { numRuns: 1500 },
    );
    // The property says little if the scan gave up on everything.
    expect(scanned).toBeGreaterThan(100);
    expect(partial).toBeGreaterThan(50);
  });
});
