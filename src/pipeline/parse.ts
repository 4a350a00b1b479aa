/**
 * Stage 2, parse: feed text to FeedItems (rss-parser for RSS 0.9x/1.0/2.0 and Atom), with
 * absolute links, decoded titles, plain-text summaries, categories, image and date.
 */
import Parser from "rss-parser";
import type { FeedItem } from "../core/feed-item.js";
import { htmlToPlainText, plainTitle, foldWhitespace } from "../text/html.js";
import { resolveLink } from "../text/link.js";
import { decodeFeedBytes } from "./decode.js";

export interface ParsedFeed {
  title: string;
  /** The channel's own link (home page), absolute, or null. */
  channelLink: string | null;
  /** Items in the feed's order (usually newest first). */
  items: FeedItem[];
  /** Things that were recovered from, for the log. */
  warnings: string[];
}

/** The feed could not be read at all. The message names the problem. */
export class ParseError extends Error {
  override name = "ParseError";
}

type RawItem = Parser.Item & Record<string, unknown>;

const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
  defaultRSS: 2, // real feeds omit <rss version>
  customFields: {
    item: [
      ["media:content", "mediaContent", { keepArray: true }],
      ["media:thumbnail", "mediaThumbnail", { keepArray: true }],
      ["media:group", "mediaGroup", { keepArray: true }],
      ["category", "atomCategories", { keepArray: true }],
      ["description", "rawDescription"],
    ] as never,
  },
});

/** Parses feed bytes. @throws ParseError when nothing can be recovered. */
export async function parseFeed(body: Buffer, contentType: string | null, feedId: string, feedUrl: string | null): Promise<ParsedFeed> {
  const decoded = decodeFeedBytes(body, contentType);
  const warnings = decoded.warning ? [decoded.warning] : [];
  const text = decoded.text.replace(/^\uFEFF/, "");
  if (!text.trim()) throw new ParseError("the feed is empty");
  let output: Parser.Output<Record<string, unknown>>;
  try {
    output = await parser.parseString(text);
  } catch (first) {
    // DOCTYPEs trip the XML parser (rss-parser throws TypeErrors on some); items survive without them.
    const withoutDoctype = text.replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, "");
    if (withoutDoctype === text) throw new ParseError(describe(first));
    try {
      output = await parser.parseString(withoutDoctype);
      warnings.push("ignored the DOCTYPE, which the XML parser could not read");
    } catch {
      throw new ParseError(describe(first));
    }
  }
  const channelLink = resolveLink(typeof output.link === "string" ? output.link : null, feedUrl);
  const base = channelLink ?? feedUrl;
  const items = (output.items as RawItem[]).map((raw) => toFeedItem(raw, feedId, base, feedUrl));
  return { title: plainTitle(output.title), channelLink, items, warnings };
}

function describe(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const first = message.split("\n")[0] ?? message;
  if (/Feed not recognized/i.test(first)) return "not an RSS, RDF or Atom feed (no <rss>, <rdf:RDF> or <feed> root)";
  return `malformed XML: ${first}`;
}

function toFeedItem(raw: RawItem, feedId: string, base: string | null, feedUrl: string | null): FeedItem {
  const guid = text(raw.guid) ?? text(raw.id) ?? text(raw["rdf:about"]);
  let link = resolveLink(text(raw.link), base, feedUrl);
  // A permalink guid stands in for a missing <link>.
  if (!link && guid && /^https?:\/\//i.test(guid)) link = guid;
  const contentHtml = text(raw["content:encoded"]) ?? text(raw.content) ?? "";
  const descriptionHtml = text(raw.summary) ?? text(raw.rawDescription) ?? text(raw.content) ?? "";
  const summary = htmlToPlainText(descriptionHtml || contentHtml);
  const published = parseDate(text(raw.isoDate) ?? text(raw.pubDate) ?? text(raw["dc:date"]));
  return {
    feedId,
    guid,
    link,
    title: plainTitle(text(raw.title)),
    summary,
    author: foldWhitespace(plainTitle(text(raw.creator) ?? text(raw.author) ?? text(raw["dc:creator"]))) || null,
    categories: categoriesOf(raw),
    imageUrl: imageOf(raw, contentHtml || descriptionHtml, link ?? base),
    publishedAt: published,
  };
}

/** xml2js gives strings, `{ _: text, $: attrs }` objects or arrays of them. */
function text(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === "object") {
    const v = value as { _?: unknown; $?: { href?: unknown } };
    if (v._ !== undefined) return text(v._);
    if (v.$?.href !== undefined) return text(v.$.href);
  }
  return null;
}

function parseDate(value: string | null): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function categoriesOf(raw: RawItem): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    const name = typeof v === "object" && v && "$" in v ? text((v as { $: { term?: unknown } }).$.term) ?? text(v) : text(v);
    if (name) {
      const clean = plainTitle(name);
      if (clean && !out.includes(clean)) out.push(clean);
    }
  };
  for (const c of (raw.categories as unknown[]) ?? []) add(c);
  for (const c of (raw.atomCategories as unknown[]) ?? []) add(c);
  return out;
}

function imageOf(raw: RawItem, html: string, base: string | null): string | null {
  const enclosure = raw.enclosure as { url?: string; type?: string } | undefined;
  if (enclosure?.url && /^image\//i.test(enclosure.type ?? "")) return resolveLink(enclosure.url, base);
  const media = [...((raw.mediaContent as unknown[]) ?? []), ...((raw.mediaThumbnail as unknown[]) ?? [])];
  let best: { url: string; width: number } | null = null;
  for (const m of media) {
    const attrs = (m as { $?: Record<string, string> }).$ ?? {};
    if (!attrs.url) continue;
    const isImage = attrs.medium === "image" || /^image\//i.test(attrs.type ?? "") || (!attrs.medium && !attrs.type);
    if (!isImage) continue;
    const width = Number(attrs.width ?? 0);
    if (!best || width > best.width) best = { url: attrs.url, width };
  }
  if (best) return resolveLink(best.url, base);
  const img = /<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/i.exec(html);
  return img?.[1] ? resolveLink(img[1], base) : null;
}
