/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) to FeedItems. The envelope must
 * be a JSON Feed (a bare version number such as "1.1" is read with a warning); each item is read on its own, a field of the wrong type is ignored and an item
 * that is not an object is left out with a warning. Pure.
 */
import { z } from "zod";
import type { FeedItem } from "../core/feed-item.js";
import { foldWhitespace } from "../text/html.js";
import { resolveLink } from "../text/link.js";
import { parseFeedDate } from "./parse-date.js";
import { keepPostable } from "./parse-item.js";
import { cleanSummary, cleanTitle } from "./parse-text.js";
import { ParseError, type ParsedFeed } from "./parse-types.js";

/** A field of the wrong type reads as absent instead of failing the item. */
const lenientString = z.string().optional().catch(undefined);
const author = z.object({ name: lenientString, url: lenientString }).optional().catch(undefined);

const VERSION_URL = /^https?:\/\/jsonfeed\.org\/version\/1(?:\.\d+)?\/?$/;
/** A bare version number where the spec wants its URL: seen in the wild, read with a warning. */
const BARE_VERSION = /^1(?:\.\d+)?$/;

const envelopeSchema = z.object({
  version: z.union([z.string(), z.number()]).refine((v) => VERSION_URL.test(String(v).trim()) || BARE_VERSION.test(String(v).trim()), "is not a JSON Feed version URL"),
  title: lenientString,
  home_page_url: lenientString,
  feed_url: lenientString,
  hubs: z.array(z.object({ type: lenientString, url: lenientString }).catch({ type: undefined, url: undefined })).optional().catch(undefined),
  items: z.array(z.unknown()),
});

const itemSchema = z.object({
  id: z.union([z.string(), z.number()]).optional().catch(undefined), // 1.0 feeds in the wild use numbers
  url: lenientString,
  external_url: lenientString,
  title: lenientString,
  content_html: lenientString,
  content_text: lenientString,
  summary: lenientString,
  image: lenientString,
  banner_image: lenientString,
  date_published: lenientString,
  date_modified: lenientString,
  author, // 1.0
  authors: z.array(author).optional().catch(undefined), // 1.1
  tags: z.array(z.unknown()).optional().catch(undefined),
});

/** JSON when it starts with "{", or is labelled JSON and does not start with "<". */
export function isJsonFeed(text: string, contentType: string | null): boolean {
  const first = /\S/.exec(text)?.[0];
  return first === "{" || (first !== "<" && /^\s*application\/(?:feed\+)?json\b/i.test(contentType ?? ""));
}

/** @throws ParseError when the text is not JSON or not a JSON Feed. */
export function parseJsonFeed(text: string, feedId: string, feedUrl: string | null, warnings: string[] = []): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    const line = position === undefined ? "" : ` at line ${text.slice(0, Number(position)).split("\n").length}`;
    throw new ParseError(`malformed JSON${line}: ${(err as Error).message}`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const where = issue?.path.length ? `"${issue.path.join(".")}"` : "the document";
    throw new ParseError(`not an RSS, RDF, Atom or JSON feed: JSON, but not a JSON Feed (${where} ${issue?.message ?? "is invalid"})`);
  }
  const feed = envelope.data;
  const version = String(feed.version).trim();
  if (BARE_VERSION.test(version)) {
    const url = `https://jsonfeed.org/version/${version === "1" || version === "1.0" ? "1" : version}`;
    warnings.push(`"version" is ${JSON.stringify(feed.version)}, not the spec's URL (${url}): read as JSON Feed ${version === "1" ? "1.0" : version}`);
  }
  const homePage = resolveLink(feed.home_page_url, feedUrl);
  const base = feedUrl ?? resolveLink(feed.feed_url) ?? homePage;
  const items: FeedItem[] = [];
  const legacyLinks = new Map<FeedItem, string>();
  let invalid = 0;
  for (const entry of feed.items) {
    const parsed = itemSchema.safeParse(entry);
    if (!parsed.success) {
      invalid++;
      continue;
    }
    const item = toFeedItem(parsed.data, feedId, base, homePage);
    items.push(item);
    // Before relative item URLs went to the home page, they went to the feed's URL.
    const legacy = linkOf(parsed.data, [base, homePage]);
    if (legacy && legacy !== item.link) legacyLinks.set(item, legacy);
  }
  if (invalid) warnings.push(`left out ${invalid} JSON Feed items that are not objects`);
  // JSON Feed 1.1 "hubs": endpoints of type "WebSub" (others, e.g. rssCloud, are not WebSub).
  const hubs = (feed.hubs ?? []).flatMap((h) => (h.type && /^websub$/i.test(h.type) ? [resolveLink(h.url, base)].filter((u): u is string => !!u) : []));
  const websub = { hubs, self: resolveLink(feed.feed_url, base) };
  return {
    title: cleanTitle(feed.title), channelLink: homePage, items: keepPostable(items, warnings), warnings, format: "json", websub,
    ...(legacyLinks.size ? { legacyLinks } : {}),
  };
}

/** The item's URL (else its external_url), absolute: relative ones against the bases in order. */
function linkOf(item: z.infer<typeof itemSchema>, bases: Array<string | null>): string | null {
  return resolveLink(item.url, ...bases) ?? resolveLink(item.external_url, ...bases);
}

function toFeedItem(item: z.infer<typeof itemSchema>, feedId: string, base: string | null, homePage: string | null): FeedItem {
  // A relative URL is relative to the site (home_page_url), as in RSS and Atom without xml:base.
  const link = linkOf(item, [homePage, base]);
  const html = item.content_html ?? "";
  const img = /<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/i.exec(html)?.[1];
  const authorName = item.authors?.find((a) => a?.name)?.name ?? item.author?.name;
  const tags = (item.tags ?? []).flatMap((t) => (typeof t === "string" ? [cleanTitle(t)] : [])).filter(Boolean);
  return {
    feedId,
    guid: item.id === undefined || item.id === "" ? null : String(item.id),
    link,
    title: cleanTitle(item.title),
    summary: item.summary ? cleanSummary(escapeText(item.summary)) : item.content_text ? cleanSummary(escapeText(item.content_text)) : cleanSummary(html),
    author: foldWhitespace(cleanTitle(authorName)) || null,
    categories: [...new Set(tags)],
    imageUrl: resolveLink(item.image ?? item.banner_image ?? img, link ?? base, homePage),
    publishedAt: parseFeedDate(item.date_published) ?? parseFeedDate(item.date_modified),
  };
}

/** JSON Feed's summary and content_text are plain text: "<" in them is a character, not a tag. */
function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
