/**
 * An article post for the Posts API: the operator's template as little-text commentary, and an
 * article card (source, title, description; the thumbnail is added by send.ts once uploaded).
 * Pure: no I/O, clock, environment or randomness.
 */
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { TEMPLATE_PLACEHOLDERS, fitTemplate, itemFields } from "../../src/render/template.js";
import { truncate } from "../../src/text/graphemes.js";
import type { LinkedInConfig } from "./config.js";
import { escapeLittle, escapeTemplate, hashtagsLittle, littleToPlain } from "./little.js";

/**
 * The request body of `POST /rest/posts`, as LinkedIn's article example has it
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api, "Create
 * Article Post"; fields: …/shares/post-api-schema). Plain JSON.
 */
export interface LinkedInPayload {
  author: string;
  /** Little text (little.ts). */
  commentary: string;
  visibility: "PUBLIC";
  /** Main feed, no targeting, no third-party channels. */
  distribution: { feedDistribution: "MAIN_FEED"; targetEntities: never[]; thirdPartyDistributionChannels: never[] };
  /**
   * "Article Post API does not support url scraping … API partners need to set article fields such as
   * thumbnail, title and description" (…/advertising-targeting/version/article-ads-integrations, li-lms-2024-04).
   * Absent when the item has no http(s) link: a text post.
   */
  content?: { article: LinkedInArticle };
  /** "PUBLISHED is the only accepted field during creation" (post-api-schema). */
  lifecycleState: "PUBLISHED";
  isReshareDisabledByAuthor: false;
}

export interface LinkedInArticle {
  source: string;
  /** Required: without it LinkedIn answers 422 "/content/article/title :: field is required" (https://github.com/searlsco/posse_party/pull/14, 2025-12-31). */
  title: string;
  description?: string;
  /** An image URN from the Images API (send.ts). */
  thumbnail?: string;
}

/**
 * Commentary limit. Not stated on the Posts API pages; LinkedIn's own answer states it:
 * 400 "ShareCommentary text length (8694 characters) exceeded the maximum allowed (3000
 * characters)" (https://github.com/n8n-io/n8n/issues/22899, 2025-12-07), as did the UGC Post page
 * ("The maximum length of the text of a UGC Post is 3,000 characters", …/shares/ugc-post-api).
 * LinkedIn counts the text it stores, after the little text is parsed (escapes gone), as Java
 * String length (UTF-16 code units). Crier counts the commentary as sent, escapes included, in
 * UTF-16 code units: never less than what LinkedIn counts, so never over its limit.
 */
export const LINKEDIN_MAX_COMMENTARY = 3_000;
export const LINKEDIN_LENGTH_UNIT = "UTF-16 code units of the commentary as sent (escaped little text; LinkedIn counts it unescaped)";

/**
 * Article title and description: no limit is given for the Posts API (unconfirmed). Crier keeps
 * the last documented one, the v1 Share API's "title 200, description 256"
 * (https://developer.linkedin.com/docs/share-on-linkedin, legacy), so a card never fails on length.
 */
export const LINKEDIN_ARTICLE_LIMITS = { title: 200, description: 256 } as const;

/** The card shows title, image and site; the commentary says what the article is about. */
export const LINKEDIN_DEFAULT_TEMPLATE = "{summary}\n\n{hashtags}";

export function linkedinLimits(_cfg?: LinkedInConfig): Limits {
  return { maxLength: LINKEDIN_MAX_COMMENTARY, unit: LINKEDIN_LENGTH_UNIT, source: "default" };
}

/** `text` shortened (at a grapheme, sentence or word boundary) to at most `max` UTF-16 code units. */
function fitPlain(text: string, max: number): string {
  let out = text.trim();
  for (let aim = max; out.length > max && aim > 0; aim = Math.floor(aim * 0.9)) out = truncate(text.trim(), aim);
  return out.length > max ? "" : out;
}

function httpLink(link: string | null): string | null {
  try {
    return link && /^https?:$/.test(new URL(link).protocol) ? link : null;
  } catch {
    return null;
  }
}

/** The template filled as little text within `max` code units; the hashtags field as templates, all else escaped. */
function commentaryOf(item: FeedItem, style: PostStyle, max: number): string {
  const fields = itemFields(item, style);
  const hashtags = fields.hashtags;
  const escape = (value: string) => (value !== "" && value === hashtags ? hashtagsLittle(value) : escapeLittle(value));
  return fitTemplate(escapeTemplate(style.template, TEMPLATE_PLACEHOLDERS), fields, { escape, measure: (s) => s.length, maxLength: max });
}

/**
 * The post for one item. The commentary never exceeds `limits.maxLength` (at most 3,000) as sent;
 * an empty one falls back to the title. @throws RenderError when the item has no link, title or summary.
 */
export function renderLinkedIn(item: FeedItem, cfg: LinkedInConfig, limits: Limits, style: PostStyle): Rendered<LinkedInPayload> {
  const source = httpLink(style.link);
  if (!source && !item.title.trim() && !item.summary.trim()) throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  const max = Math.min(limits.maxLength, LINKEDIN_MAX_COMMENTARY);
  let commentary = commentaryOf(item, style, max);
  if (commentary === "") commentary = fitTemplate("{title}", itemFields(item, style), { escape: escapeLittle, measure: (s) => s.length, maxLength: max });

  const payload: LinkedInPayload = {
    author: cfg.author,
    commentary,
    visibility: "PUBLIC",
    distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: "PUBLISHED",
    isReshareDisabledByAuthor: false,
  };
  const card: string[] = [];
  if (source) {
    const title = fitPlain(item.title, LINKEDIN_ARTICLE_LIMITS.title) || new URL(source).hostname;
    const description = fitPlain(item.summary, LINKEDIN_ARTICLE_LIMITS.description);
    payload.content = { article: { source, title, ...(description ? { description } : {}) } };
    card.push(`[article] ${title}`, description, source, style.image ? `[thumbnail: ${style.image.url}]` : "");
  }
  const preview = [littleToPlain(commentary), card.filter(Boolean).join("\n")].filter(Boolean).join("\n\n");
  return { payload, preview, length: commentary.length, limits };
}
