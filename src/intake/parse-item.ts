/**
 * rss-parser's output (with the raw xml2js values asked for through customFields) to FeedItems:
 * links resolved through xml:base, else against the channel link (the site), else the feed URL;
 * the permalink rules of RSS guids; Atom link relations and content types; Dublin Core, iTunes
 * and Atom fallbacks in RSS; dates read strictly. Pure.
 */
import { imageOf, type FoundImage } from "./parse-image.js";
import { collectWebSubLinks, type WebSubLinks } from "./websub-links.js";
import type { FeedItem } from "../core/feed-item.js";
import { neutraliseBidi } from "../text/bidi.js";
import { foldWhitespace } from "../text/html.js";
import { resolveLink } from "../text/link.js";
import { atomText } from "./parse-content.js";
import { parseFeedDate } from "./parse-date.js";
import { cleanSummary, cleanTitle } from "./parse-text.js";
import type { XmlFormat } from "./parse-xml.js";

type Raw = Record<string, unknown>;

/** Item and channel fields rss-parser does not map (or maps lossily), read raw. */
export const CUSTOM_FIELDS = {
  feed: [
    ["$", "attrs", { keepArray: true }],
    ["link", "linkRaw", { keepArray: true }],
    ["atom:link", "atomLinks", { keepArray: true }],
    ["title", "rawTitle", { keepArray: true }],
  ],
  item: [
    ["$", "attrs", { keepArray: true }],
    ["guid", "guidRaw", { keepArray: true }],
    ["link", "linkRaw", { keepArray: true }],
    ["feedburner:origLink", "origLink"],
    ["published", "publishedRaw"],
    ["updated", "updatedRaw"],
    ["issued", "issuedRaw"],
    ["modified", "modifiedRaw"],
    ["created", "createdRaw"],
    ["dcterms:issued", "dctermsIssued"],
    ["dcterms:created", "dctermsCreated"],
    ["dcterms:modified", "dctermsModified"],
    ["media:content", "mediaContent", { keepArray: true }],
    ["media:thumbnail", "mediaThumbnail", { keepArray: true }],
    ["media:group", "mediaGroup", { keepArray: true }],
    ["media:description", "mediaDescription"],
    ["category", "atomCategories", { keepArray: true }],
    // Raw, as arrays: rss-parser keeps only the text of an element that also has child elements.
    ["title", "rawTitle", { keepArray: true }],
    ["description", "rawDescription", { keepArray: true }],
    ["content:encoded", "rawEncoded", { keepArray: true }],
    ["summary", "rawSummary", { keepArray: true }],
    ["content", "rawContent", { keepArray: true }],
    // Fallbacks: Dublin Core, iTunes (a podcast item may have nothing else) and Atom inside RSS.
    ["dc:description", "dcDescription"],
    ["itunes:title", "itunesTitle"],
    ["itunes:summary", "itunesSummary"],
    ["atom:published", "atomPublished"],
    ["atom:updated", "atomUpdated"],
    ["atom:content", "atomContent", { keepArray: true }],
  ],
};

export interface ChannelContext {
  feedId: string;
  format: XmlFormat;
  /** Base for the channel's links: the feed URL with the root's and channel's xml:base applied. */
  base: string | null;
  /** The root or the channel declares an xml:base: the feed says what its links are relative to. */
  xmlBase: boolean;
  channelLink: string | null;
  /** An <img> declared narrower than this is not the article's picture. */
  minImageWidth?: number;
}

/** An item, and its link as Crier resolved it before relative links went to the site (when that differs). */
export interface ReadItem {
  item: FeedItem;
  legacyLink: string | null;
}

function imageFields(found: FoundImage | null): Pick<FeedItem, "imageUrl" | "imageAlt"> {
  return { imageUrl: found?.url ?? null, imageAlt: found?.alt ? neutraliseBidi(found.alt) : null };
}

/** The channel's own link and base. */
export function channelOf(output: Raw, format: XmlFormat, feedUrl: string | null, rootAttrs: Record<string, string>): { base: string | null; link: string | null; xmlBase: boolean } {
  const attrs = (output.attrs ?? {}) as Record<string, unknown>;
  const channelBase = format !== "atom" ? text(attrs["xml:base"]) : null;
  const base = withBase(withBase(feedUrl, rootAttrs["xml:base"]), channelBase);
  const links = (output.linkRaw as unknown[] | undefined) ?? [];
  const href = format === "atom" ? alternateLink(links, base, base) : text(links[0]) ?? text(output.link);
  return { base, link: resolveLink(href, base, feedUrl), xmlBase: Boolean(rootAttrs["xml:base"]?.trim() || channelBase) };
}

/** An item's identity fields: its guid, and its link as resolved now and (when it differs) the old way. */
export interface ItemIdentity {
  guid: string | null;
  link: string | null;
  legacyLink: string | null;
}

/**
 * The identity fields of an xml2js item, read as toFeedItem reads them. Cheap: no text or HTML is
 * cleaned. Also fed by the identity scan (scan-keys.ts), which builds the same raw shapes.
 */
export function identityOf(raw: Raw, ctx: Pick<ChannelContext, "format" | "base" | "xmlBase" | "channelLink">): ItemIdentity & { base: string | null } {
  const attrs = (raw.attrs ?? {}) as Record<string, unknown>;
  const itemBase = text(attrs["xml:base"]);
  const base = withBase(ctx.base, itemBase);
  // Without an xml:base, a relative link is relative to the site (the channel's link), not to
  // wherever the feed is served from (a CDN, a feed proxy): as Miniflux and node-feedparser read it.
  const linkBase = ctx.xmlBase || itemBase ? base : (ctx.channelLink ?? base);
  const rdfAbout = text(raw["rdf:about"]);
  const guidElement = ((raw.guidRaw as unknown[] | undefined) ?? [])[0];
  const guid = text(guidElement) ?? text(raw.id) ?? rdfAbout;
  const linkAgainst = (against: string | null): string | null => {
    const links = (raw.linkRaw as unknown[] | undefined) ?? [];
    const href = ctx.format === "atom" ? alternateLink(links, against, base) : text(links[0]);
    // FeedBurner's <link> is a tracking redirect; origLink is the article itself.
    const found = httpUrl(text(raw.origLink)) ?? resolveLink(href, against, ctx.channelLink);
    return found ?? (ctx.format !== "atom" ? (httpUrl(permalinkOf(guidElement)) ?? httpUrl(rdfAbout)) : null);
  };
  const link = linkAgainst(linkBase);
  const legacy = linkBase === base ? null : linkAgainst(base);
  return { guid, link, legacyLink: legacy !== link ? legacy : null, base };
}

/**
 * An item the store already has, read from its cheap fields only (identity and date): its text,
 * image and categories are never used again. Null when its identity is not `expected` (what the
 * identity scan read at this position): then it is read in full.
 */
export function toKnownItem(raw: Raw, ctx: ChannelContext, expected: ItemIdentity): ReadItem | null {
  const { guid, link, legacyLink } = identityOf(raw, ctx);
  if (!link || guid !== expected.guid || link !== expected.link || legacyLink !== expected.legacyLink) return null;
  const item: FeedItem = {
    feedId: ctx.feedId, guid, link, title: "", summary: "", author: null, categories: [], imageUrl: null, imageAlt: null,
    publishedAt: publishedOf(raw, ctx.format),
  };
  return { item, legacyLink };
}

export function toFeedItem(raw: Raw, ctx: ChannelContext): ReadItem {
  const { guid, link, legacyLink, base } = identityOf(raw, ctx);
  const atom = ctx.format === "atom";
  const encoded = text(raw.rawEncoded) ?? atomText(raw.atomContent);
  const contentHtml = (atom ? atomText(raw.rawContent) : encoded) ?? "";
  const descriptionHtml =
    (atom ? atomText(raw.rawSummary) : (text(raw.rawSummary) ?? text(raw.rawDescription) ?? text(raw.content) ?? text(raw.dcDescription) ?? text(raw.itunesSummary))) ?? "";
  const mediaDescription = text(raw.mediaDescription) ?? firstOfGroups(raw, "media:description");
  const title = atom ? atomText(raw.rawTitle) : (text(raw.title) ?? flatText(raw.rawTitle) ?? text(raw.itunesTitle));
  const item: FeedItem = {
    feedId: ctx.feedId,
    guid,
    link,
    title: cleanTitle(title),
    summary: cleanSummary(descriptionHtml || contentHtml || mediaDescription),
    author: foldWhitespace(cleanTitle(text(raw.creator) ?? text(raw.author) ?? text(raw["dc:creator"]))) || null,
    categories: categoriesOf(raw),
    ...imageFields(imageOf(raw, contentHtml || descriptionHtml, link ?? base ?? ctx.channelLink, ctx.minImageWidth)),
    publishedAt: publishedOf(raw, ctx.format),
  };
  return { item, legacyLink };
}

function publishedOf(raw: Raw, format: XmlFormat): string | null {
  return firstDate(
    format === "atom"
      ? [raw.publishedRaw, raw.updatedRaw, raw.issuedRaw, raw.modifiedRaw, raw.createdRaw]
      : [raw.pubDate, raw["dc:date"], raw.dctermsIssued, raw.atomPublished, raw.dctermsCreated, raw.dctermsModified, raw.atomUpdated],
  );
}

/**
 * Items with nothing to post (no title, link, text or image) are left out: a feed's empty
 * <item/> or an entry of only an id is not an article.
 */
export function keepPostable(items: FeedItem[], warnings: string[]): FeedItem[] {
  const kept = items.filter((item) => item.title || item.link || item.summary || item.imageUrl);
  const dropped = items.length - kept.length;
  if (dropped) warnings.push(`left out ${dropped} ${dropped === 1 ? "entry" : "entries"} with no title, link, text or image`);
  return kept;
}

/** xml2js gives strings, `{ _: text, $: attrs }` objects or arrays of them. */
export function text(value: unknown): string | null {
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

/** Every text node under an xml2js value, for markup where text was expected (`<title><b>x</b></title>`). */
function flatText(value: unknown): string | null {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const [key, child] of Object.entries(v)) if (key !== "$") walk(child);
  };
  walk(value);
  return parts.join(" ").trim() || null;
}

/** Resolves a (possibly relative) xml:base against the base in force; the old base when it cannot. */
function withBase(base: string | null, xmlBase: string | null | undefined): string | null {
  if (!xmlBase) return base;
  try {
    return new URL(xmlBase.trim(), base ?? undefined).href;
  } catch {
    return base;
  }
}

function httpUrl(value: string | null): string | null {
  return value && /^https?:\/\//i.test(value) ? resolveLink(value) : null;
}

/** RSS 2.0: a guid is the item's permalink unless isPermaLink="false". */
function permalinkOf(guid: unknown): string | null {
  const flag = (guid as { $?: { isPermaLink?: unknown } } | undefined)?.$?.isPermaLink;
  if (typeof flag === "string" && flag.trim().toLowerCase() === "false") return null;
  return text(guid);
}

/**
 * WebSub discovery in the document (W3C WebSub §4): `<link rel="hub">` and `<link rel="self">` of an
 * Atom feed, `<atom:link>` of an RSS channel. Absolute URLs.
 */
export function websubLinksOf(output: Raw, format: XmlFormat, base: string | null): WebSubLinks {
  const links = ((format === "atom" ? output.linkRaw : output.atomLinks) as unknown[] | undefined) ?? [];
  return collectWebSubLinks(
    links.flatMap((link) => {
      const attrs = (link as { $?: Record<string, string> } | null)?.$;
      const href = attrs?.href ? httpUrl(resolveLink(attrs.href, base) ?? attrs.href) : null;
      return href ? [{ href, rel: attrs?.rel ?? "" }] : [];
    }),
  );
}

/**
 * Atom: rel="alternate" (the default), HTML first; never self, edit, enclosure or replies. A
 * relative href against `base`, or against `docBase` when the link element has its own xml:base.
 */
function alternateLink(links: unknown[], base: string | null, docBase: string | null): string | null {
  let fallback: string | null = null;
  for (const link of links) {
    if (typeof link === "string") return resolveLink(link, base) ?? link;
    const attrs = (link as { $?: Record<string, string> } | null)?.$;
    if (!attrs?.href) continue;
    const rel = (attrs.rel ?? "alternate").trim().toLowerCase();
    if (rel !== "alternate" && rel !== "http://www.iana.org/assignments/relation/alternate") continue;
    const href = resolveLink(attrs.href, attrs["xml:base"] ? withBase(docBase, attrs["xml:base"]) : base) ?? attrs.href;
    if (!attrs.type || /html/i.test(attrs.type)) return href;
    fallback ??= href;
  }
  return fallback;
}

function firstDate(values: unknown[]): string | null {
  for (const value of values) {
    const date = parseFeedDate(text(value));
    if (date) return date;
  }
  return null;
}

function firstOfGroups(raw: Raw, key: string): string | null {
  for (const group of (raw.mediaGroup as Array<Record<string, unknown>> | undefined) ?? []) {
    const value = text(group?.[key]);
    if (value) return value;
  }
  return null;
}

function categoriesOf(raw: Raw): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    const name = typeof v === "object" && v && "$" in v ? (text((v as { $: { term?: unknown } }).$.term) ?? text(v)) : text(v);
    if (name) {
      const clean = cleanTitle(name);
      if (clean && !out.includes(clean)) out.push(clean);
    }
  };
  for (const c of (raw.categories as unknown[]) ?? []) add(c);
  for (const c of (raw.atomCategories as unknown[]) ?? []) add(c);
  return out;
}

