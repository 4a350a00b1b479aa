/**
 * A TikTok photo post: a title, a description and one picture (Content Posting API, photo post).
 * Pure: no I/O, clock, environment or randomness.
 *
 * https://developers.tiktok.com/doc/content-posting-api-reference-photo-post (snapshot fetched
 * 2026-09-11), Post Info Object: title "The maximum length for photo posts is 90 in UTF-16 runes",
 * description "… is 4000 in UTF-16 runes". "UTF-16 runes" are read as UTF-16 code units (JavaScript's
 * `length`): an emoji outside the BMP counts 2, a ZWJ family 11. Should TikTok mean code points,
 * a text within these limits in code units is within them in code points too.
 */
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { graphemeLength, truncate } from "../../src/text/graphemes.js";
import type { TikTokConfig } from "./config.js";

export const TIKTOK_TITLE_MAX = 90;
export const TIKTOK_DESCRIPTION_MAX = 4000;
export const TIKTOK_LENGTH_UNIT = "UTF-16 code units of the description (the title: 90 more, apart)";

/**
 * The article's summary, link and hashtags go in the description; the title has its own field.
 * TikTok shows the link as plain text: it is not clickable (see README).
 */
export const TIKTOK_DEFAULT_TEMPLATE = "{summary}\n\n{link}\n\n{hashtags}";

/** What `send` turns into `post_info` and `source_info`. Plain JSON data. */
export interface TikTokPayload {
  title: string;
  description: string;
  /** "attached": the article's own picture, pulled from `ctx.image.publicUrl`; else this fixed URL (the configured fallback). */
  photo: { source: "attached" } | { source: "fallback"; url: string };
}

/** TikTok's count: UTF-16 code units. */
export const measureTikTok = (text: string): number => text.length;

export function tiktokLimits(_cfg?: TikTokConfig): Limits {
  return { maxLength: TIKTOK_DESCRIPTION_MAX, unit: TIKTOK_LENGTH_UNIT, source: "default" };
}

/** The longest cut of `title` (graphemes kept whole, "…" added) within `max` UTF-16 code units. Pure. */
export function fitTitle(title: string, max = TIKTOK_TITLE_MAX): string {
  const plain = title.replace(/\s+/gu, " ").trim();
  if (measureTikTok(plain) <= max) return plain;
  // Every grapheme is at least one code unit, so the answer has at most `max` graphemes.
  let low = 0;
  let high = Math.min(graphemeLength(plain), max);
  let best = "";
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const cut = truncate(plain, mid);
    if (measureTikTok(cut) <= max) (best = cut), (low = mid + 1);
    else high = mid - 1;
  }
  return best;
}

/**
 * @throws RenderError when there is no picture to post (TikTok photo posts need one) or nothing
 * to say, or when the link alone is longer than the description allows.
 */
export function renderTikTok(item: FeedItem, cfg: TikTokConfig, limits: Limits, style: PostStyle): Rendered<TikTokPayload> {
  const photo: TikTokPayload["photo"] | undefined = style.image ? { source: "attached" } : cfg.fallbackImageUrl ? { source: "fallback", url: cfg.fallbackImageUrl } : undefined;
  if (!photo) throw new RenderError("a TikTok photo post needs a picture and this article has none that fits (set fallbackImageUrl to post such articles with a fixed picture)");
  const title = fitTitle(item.title);
  // Plain text: nothing is escaped (TikTok shows "<b>" and "&" as typed).
  const description = fitTemplate(style.template, itemFields(item, style), {
    escape: (s) => s,
    measure: measureTikTok,
    maxLength: Math.min(limits.maxLength, TIKTOK_DESCRIPTION_MAX),
  });
  if (title === "" && description === "") throw new RenderError(`item of feed "${item.feedId}" has no title, summary or link: nothing to post`);
  const shown = photo.source === "attached" ? `[picture: ${style.image?.alt ?? ""}]` : `[picture: ${photo.url}]`;
  return {
    payload: { title, description, photo },
    preview: [title, description, shown].filter((s) => s !== "").join("\n\n"),
    length: measureTikTok(description),
    limits,
  };
}
