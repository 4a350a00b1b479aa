import type { BlobRef } from "@atproto/api";
// Bluesky's own facet detection, on its own: the SDK's entry point would load every lexicon
// (~40 MB) at import. The module needs only `tlds`; the package has no exports map to forbid it.
import { createRequire } from "node:module";
import type { detectFacets as DetectFacets } from "@atproto/api/dist/rich-text/detection.js";
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { graphemeLength, graphemes, truncate } from "../../src/text/graphemes.js";
import type { BlueskyConfig } from "./config.js";

// @atproto/api's facet detection (and the TLD list it reads) loads on the first render, not with
// the adapter registry: a command that renders nothing for Bluesky never loads any of the SDK.
const require = createRequire(import.meta.url);
let detectFacetsFn: typeof DetectFacets | undefined;
const detectFacets: typeof DetectFacets = (text) =>
  (detectFacetsFn ??= (require("@atproto/api/dist/rich-text/detection.js") as { detectFacets: typeof DetectFacets }).detectFacets)(text);

/** app.bsky.feed.post `text`: `"maxGraphemes": 300`, and `"maxLength": 3000` (UTF-8 bytes). */
export const BLUESKY_MAX_GRAPHEMES = 300;
export const BLUESKY_MAX_TEXT_BYTES = 3000;
export const BLUESKY_LENGTH_UNIT = "graphemes (app.bsky.feed.post text: at most 300, and 3000 UTF-8 bytes)";
/** A link is shown as host and path cut to this many graphemes; the facet keeps the whole URL. */
export const LINK_DISPLAY_GRAPHEMES = 32;
/** The link card's title and description are cut to this (the app shows two or three lines). */
export const CARD_TEXT_GRAPHEMES = 300;

export const BLUESKY_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link} {hashtags}";

/** https://docs.bsky.app/docs/advanced-guides/post-richtext: byte offsets into the UTF-8 text, end exclusive. */
export type Feature =
  | { $type: "app.bsky.richtext.facet#link"; uri: string }
  | { $type: "app.bsky.richtext.facet#tag"; tag: string };
export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: Feature[];
}

/** An app.bsky.feed.post record without `createdAt`: send stamps it (see README, "createdAt"). Plain JSON. */
export interface BlueskyPostRecord {
  $type: "app.bsky.feed.post";
  text: string;
  facets?: Facet[];
  langs?: string[];
  /**
   * https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds. `thumb` is set by send
   * (thumb.ts) from the uploaded image, never by render: a rendered payload stays plain JSON.
   */
  embed?: { $type: "app.bsky.embed.external"; external: { uri: string; title: string; description: string; thumb?: BlobRef } };
}

/** What `send` writes with com.atproto.repo.createRecord. The record key comes from the delivery, not from here. */
export interface BlueskyPayload {
  record: BlueskyPostRecord;
}

export function blueskyLimits(_cfg?: BlueskyConfig): Limits {
  return { maxLength: BLUESKY_MAX_GRAPHEMES, unit: BLUESKY_LENGTH_UNIT, source: "default" };
}

const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8");

/** "https://www.example.com/a/long/path?x=1" → "example.com/a/long/path?x=1", cut to 32 graphemes with "…". Pure. */
export function displayLink(url: string): string {
  const bare = url.replace(/^https?:\/\//i, "").replace(/^www\./i, "").replace(/\/$/, "");
  const parts = graphemes(bare);
  return parts.length <= LINK_DISPLAY_GRAPHEMES ? bare : `${parts.slice(0, LINK_DISPLAY_GRAPHEMES - 1).join("")}…`;
}

/** UTF-16 ranges where `display` stands on its own (not inside a longer URL or word). */
function occurrences(text: string, display: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  if (!display) return found;
  for (let at = text.indexOf(display); at >= 0; at = text.indexOf(display, at + display.length)) {
    const before = at === 0 ? "" : text.charAt(at - 1);
    const after = text.charAt(at + display.length);
    if (/^[\s(]?$/u.test(before) && /^[\s.,;:!?)]?$/u.test(after)) found.push([at, at + display.length]);
  }
  return found;
}

/** UTF-8 byte offset of the UTF-16 index `i` of `text` (what UnicodeString.utf16IndexToUtf8Index gives). */
const utf8Index = (text: string, i: number): number => utf8Length(text.slice(0, i));

/**
 * Facets for `text`: the article link wherever its display form stands, other URLs and #hashtags as
 * Bluesky's own composer detects them (detectFacets, as RichText.detectFacetsWithoutResolution,
 * no network). Mentions are left as plain text: a mention facet needs the DID, which only a network
 * lookup gives. Pure.
 */
export function facetsFor(text: string, link: string | null, display: string): Facet[] {
  const byte = (i: number): number => utf8Index(text, i);
  const own: Facet[] = link
    ? occurrences(text, display).map(([start, end]) => ({
        index: { byteStart: byte(start), byteEnd: byte(end) },
        features: [{ $type: "app.bsky.richtext.facet#link", uri: link }],
      }))
    : [];
  // detectFacets reads only `utf16` and `utf16IndexToUtf8Index` of its UnicodeString argument.
  const unicode = { utf16: text, utf16IndexToUtf8Index: byte } as unknown as Parameters<typeof detectFacets>[0];
  const found = (detectFacets(unicode) ?? []).sort((a, b) => a.index.byteStart - b.index.byteStart);
  const detected = found.flatMap((f): Facet[] => {
    const features = f.features.flatMap((detectedFeature): Feature[] => {
      const feat = detectedFeature as { $type: string; uri?: unknown; tag?: unknown };
      if (feat.$type === "app.bsky.richtext.facet#link" && typeof feat.uri === "string") return [{ $type: feat.$type, uri: feat.uri }];
      if (feat.$type === "app.bsky.richtext.facet#tag" && typeof feat.tag === "string") return [{ $type: feat.$type, tag: feat.tag }];
      return [];
    });
    const { byteStart, byteEnd } = f.index;
    const overlapsOwn = own.some((o) => byteStart < o.index.byteEnd && o.index.byteStart < byteEnd);
    return features.length && !overlapsOwn ? [{ index: { byteStart, byteEnd }, features }] : [];
  });
  return [...own, ...detected].sort((a, b) => a.index.byteStart - b.index.byteStart);
}

/**
 * Fills the template as plain text within 300 graphemes (and 3000 bytes), the article link shown
 * short and made clickable with a facet, hashtags as tag facets, and a link card for the article.
 * Pure: `createdAt` is left to send.
 * @throws RenderError when the item has nothing to post, or the template's fixed text alone is too long.
 */
export function renderBluesky(item: FeedItem, cfg: BlueskyConfig, limits: Limits, style: PostStyle): Rendered<BlueskyPayload> {
  if (!style.link && !item.title && !item.summary) {
    throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  }
  const maxLength = Math.min(limits.maxLength, BLUESKY_MAX_GRAPHEMES);
  const display = style.link ? displayLink(style.link) : "";
  const text = fitTemplate(style.template, { ...itemFields(item, style), link: display }, {
    escape: (s) => s,
    // Past 3000 bytes (e.g. 300 family emoji of 25 bytes each) the post does not fit, whatever its graphemes.
    measure: (post) => (utf8Length(post) > BLUESKY_MAX_TEXT_BYTES ? maxLength + 1 : graphemeLength(post)),
    maxLength,
  });
  const record: BlueskyPostRecord = { $type: "app.bsky.feed.post", text };
  const facets = facetsFor(text, style.link, display);
  if (facets.length) record.facets = facets;
  if (cfg.languages?.length) record.langs = [...cfg.languages];
  if (style.link) {
    record.embed = {
      $type: "app.bsky.embed.external",
      external: {
        uri: style.link,
        title: truncate(item.title, CARD_TEXT_GRAPHEMES),
        description: truncate(item.summary, CARD_TEXT_GRAPHEMES),
      },
    };
  }
  const card = record.embed ? `\n[link card: ${record.embed.external.title || record.embed.external.uri} <${record.embed.external.uri}>]` : "";
  return { payload: { record }, preview: text + card, length: graphemeLength(text), limits };
}
