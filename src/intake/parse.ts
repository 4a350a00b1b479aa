/**
 * Stage 2, parse: feed bytes to FeedItems. RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through rss-parser,
 * JSON Feed 1.0/1.1 through a zod schema; absolute links, decoded titles, plain-text summaries,
 * categories, image and date. Lenient: whatever can be recovered is, with a warning; only a feed
 * with nothing recoverable is a ParseError.
 */
import Parser from "rss-parser";
import { decodeFeedBytes } from "./decode.js";
import { atomKindOf } from "./parse-content.js";
import { isJsonFeed, parseJsonFeed } from "./json-feed.js";
import { CUSTOM_FIELDS, channelOf, keepPostable, text, toFeedItem, toKnownItem, websubLinksOf, type ItemIdentity } from "./parse-item.js";
import { escapeNakedMarkup, repairAtomDates, repairAtomLinks, repairXml, type Repaired } from "./parse-repair.js";
import { cleanTitle } from "./parse-text.js";
import { ParseError, type ParsedFeed } from "./parse-types.js";
import { prepareXml } from "./parse-xml.js";

export { ParseError, type ParsedFeed } from "./parse-types.js";

/** Options of a parse. */
export interface ParseOptions {
  /** An <img> declared narrower than this is not the article's picture. */
  minImageWidth?: number;
  /**
   * Items the store already has, by position in a document of `count` items (the identity scan's
   * reading): read from their cheap fields only, when the parse finds the same identity there.
   */
  known?: { count: number; items: ReadonlyMap<number, ItemIdentity> };
}

type Output = Parser.Output<Record<string, unknown>> & Record<string, unknown>;

/** Parses feed bytes. @throws ParseError when nothing can be recovered; the message names the problem. */
export async function parseFeed(
  body: Buffer,
  contentType: string | null,
  feedId: string,
  feedUrl: string | null,
  opts: ParseOptions = {},
): Promise<ParsedFeed> {
  const decoded = decodeFeedBytes(body, contentType);
  body = NO_BYTES; // an async function keeps its parameters until it returns: not the bytes, past here
  const warnings = decoded.warning ? [decoded.warning] : [];
  const source = decoded.text.replace(/^\uFEFF/, "");
  if (!source.trim()) throw new ParseError("the feed is empty");
  if (isJsonFeed(source, contentType)) return { ...parseJsonFeed(source, feedId, feedUrl, warnings), encoding: decoded.encoding };

  const prepared = prepareXml(source);
  warnings.push(...prepared.warnings);
  const read1 = await readRecovering(prepared.text);
  const { failure, fixes } = read1;
  let { output } = read1;
  if (hasNakedMarkup(output)) {
    // Rare (invalid RSS), so found after the parse rather than searched for before every parse.
    const escaped = escapeNakedMarkup(read1.text);
    if (escaped.fixes.length) {
      output = await read(escaped.text).catch(() => output);
      warnings.push(...escaped.fixes);
    }
  }
  const channel = channelOf(output, prepared.format, feedUrl, prepared.rootAttrs);
  const ctx = { feedId, format: prepared.format, base: channel.base, xmlBase: channel.xmlBase, channelLink: channel.link, ...(opts.minImageWidth !== undefined ? { minImageWidth: opts.minImageWidth } : {}) };
  const raws = (output.items ?? []) as Array<Record<string, unknown>>;
  // Known items skip HTML to text and the image choice, when the document is the one the scan read.
  const known = opts.known?.count === raws.length ? opts.known.items : null;
  const entries = raws.map((raw, i) => {
    const expected = known?.get(i);
    return (expected && toKnownItem(raw, ctx, expected)) || toFeedItem(raw, ctx);
  });
  const items = keepPostable(entries.map((r) => r.item), warnings);
  const legacyLinks = new Map(entries.flatMap((r) => (r.legacyLink ? [[r.item, r.legacyLink] as const] : [])));
  // Crier posts items: a broken document that yields none is broken, not an empty feed.
  if (failure && !items.length) throw new ParseError(`${failure}; no complete entry could be recovered`);
  if (failure) warnings.push(`recovered from ${failure}: ${fixes.join("; ")}`);
  return {
    title: cleanTitle(text(output.title)),
    channelLink: channel.link,
    items,
    warnings,
    format: prepared.format,
    encoding: decoded.encoding,
    websub: websubLinksOf(output, prepared.format, channel.base),
    ...(legacyLinks.size ? { legacyLinks } : {}),
  };
}

/**
 * One parse. Only when it fails: repair what the error points at and parse again (a repaired
 * document can fail on the next problem, so up to three tries). `failure` describes the first error.
 */
async function readRecovering(xml: string): Promise<{ output: Output; text: string; failure: string | null; fixes: string[] }> {
  let current = xml;
  let firstError: unknown = null;
  let failed = false;
  const fixes: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const output = await read(current);
      return { output, text: current, failure: failed ? describe(firstError, xml) : null, fixes };
    } catch (error) {
      if (!failed) firstError = error;
      failed = true;
      const repaired = repairFor(error, current);
      if (!repaired?.fixes.length) break;
      fixes.push(...repaired.fixes);
      current = repaired.text;
    }
  }
  throw new ParseError(describe(firstError, xml));
}

/** Elements read as text or HTML, as raw xml2js arrays (see CUSTOM_FIELDS). */
const TEXT_FIELDS = ["rawTitle", "rawDescription", "rawEncoded", "rawSummary", "rawContent", "atomContent"] as const;

function hasNakedMarkup(output: Output): boolean {
  const items = (output.items ?? []) as Array<Record<string, unknown>>;
  return hasChildElements(output.rawTitle) || items.some((item) => TEXT_FIELDS.some((field) => hasChildElements(item[field])));
}

/**
 * xml2js: an element with child elements is an object with keys besides text (`_`) and attributes
 * (`$`). Atom content of an XML media type is meant to have them.
 */
function hasChildElements(value: unknown): boolean {
  const element: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof element !== "object" || element === null) return false;
  const type = (element as { $?: { type?: unknown } }).$?.type;
  if (typeof type === "string" && atomKindOf(type) === "xml") return false;
  return Object.keys(element).some((key) => key !== "_" && key !== "$");
}

/** The repair for what rss-parser threw: sax syntax errors, and its own throws on odd structure. */
function repairFor(error: unknown, xml: string): Repaired | null {
  if (isXmlSyntaxError(error)) return repairXml(xml);
  if (error instanceof RangeError) return repairAtomDates(xml); // new Date(<published>).toISOString()
  if (error instanceof TypeError) return repairAtomLinks(xml); // links[i].$.rel on <link>text</link>
  return null;
}

const PENDING = Symbol("pending");
const NO_BYTES = Buffer.alloc(0);

/**
 * rss-parser with a parser of its own per call: xml2js keeps listeners on the instance between
 * calls, and a document that never ends would leave one behind to answer the next feed's parse.
 */
async function read(xml: string): Promise<Output> {
  const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
    defaultRSS: 2, // real feeds omit <rss version>
    customFields: CUSTOM_FIELDS as never,
  });
  const parsing = parser.parseString(xml);
  // xml2js runs synchronously, so the promise is settled by now; one still pending never will be.
  const pending = Promise.resolve()
    .then(() => undefined)
    .then(() => PENDING);
  const result = await Promise.race([parsing, pending]);
  if (result === PENDING) throw new ParseError("the XML parser stopped without a result (no root element?)");
  return result as Output;
}

function isXmlSyntaxError(err: unknown): boolean {
  return err instanceof Error && /\nLine: \d+/.test(err.message);
}

/** "malformed XML at line 7: unclosed root tag", from sax's "Unclosed root tag\nLine: 6\n…" (0-based). */
function describe(err: unknown, xml: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const [first = message] = message.split("\n");
  if (/Feed not recognized/i.test(first)) return "not an RSS, RDF, Atom or JSON feed";
  const line = /\nLine: (\d+)/.exec(message)?.[1];
  if (line !== undefined) {
    const at = Number(line);
    const source = xml.split("\n", at + 1)[at]?.trim().slice(0, 60);
    return `malformed XML at line ${at + 1}: ${first.charAt(0).toLowerCase()}${first.slice(1)}${source ? ` (near "${source}")` : ""}`;
  }
  return `the feed could not be read: ${first}`;
}
