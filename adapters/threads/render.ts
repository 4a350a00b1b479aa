/**
 * The post: the text, fitted to 500 as Threads counts (count.ts), within its five links, and the
 * article link as the text post's `link_attachment`. Pure: no I/O, clock, environment or randomness.
 */
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import type { ThreadsConfig } from "./config.js";
import { URL_IN_TEXT, linkCount, threadsLength, urlsIn } from "./count.js";

/** What send turns into `POST /{threads-user-id}/threads`. Plain JSON. */
export interface ThreadsPayload {
  /** `text`. */
  text: string;
  /**
   * The article link: a text post's `link_attachment` (the preview card). An image post cannot carry
   * one ("Can only be used for media_type=TEXT posts", posts page, "Links"), so there it is in the text.
   */
  link: string | null;
  /** IMAGE: rendered for the article's image (send falls back to TEXT when no image URL comes). */
  mediaType: "TEXT" | "IMAGE";
}

export const THREADS_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";
/** "Text posts are limited to 500 characters." (https://developers.facebook.com/documentation/threads/posts, updated Apr 14, 2026) */
export const THREADS_MAX_LENGTH = 500;
/** "The number of links is restricted to 5 or less." (same page, "Links"; refused since Dec 22, 2025). */
export const THREADS_MAX_LINKS = 5;

export function threadsLimits(_cfg?: ThreadsConfig): Limits {
  return { maxLength: THREADS_MAX_LENGTH, unit: "characters (grapheme clusters; an emoji counts its UTF-8 bytes)", source: "default" };
}

/**
 * "Only one topic tag is allowed per post, so the first valid tag included in a post … is treated as
 * the tag for that post"; a tag is 1 to 50 characters and ends before spaces and . & @ ! ? , ; :, and
 * "#1" is no tag (posts page, "Using an in-text topic tag"). The rest would show as plain "#words".
 */
export function topicTag(hashtags: string): string {
  for (const candidate of hashtags.split(/\s+/)) {
    const body = /^#([^\s.&@!?,;:#]+)/u.exec(candidate)?.[1];
    if (body && !/^\d+$/u.test(body) && Array.from(body).length <= 50) return `#${body}`;
  }
  return "";
}

/** Drops the URLs of `text` that are not in `kept` once `kept` holds `max`; adds the others to `kept`. */
function withinLinks(text: string, kept: Set<string>, max: number): string {
  let dropped = false;
  const out = text.replace(URL_IN_TEXT, (url) => {
    if (kept.has(url) || (kept.size < max && kept.add(url))) return url;
    dropped = true;
    return "";
  });
  return dropped ? out.replace(/[ \t]{2,}/g, " ").trim() : text;
}

export function renderThreads(item: FeedItem, cfg: ThreadsConfig, limits: Limits, style: PostStyle): Rendered<ThreadsPayload> {
  const image = cfg.postAs !== "text" && style.image !== undefined;
  if (cfg.postAs === "image" && !image) throw new RenderError("postAs is image and the article has no usable image");
  const fields = itemFields(item, style);
  fields.hashtags = topicTag(fields.hashtags);
  // Links of the template's own text and the article link first, then the title's, then the summary's.
  const kept = new Set<string>(urlsIn(style.template.replace(/\{[a-z]+\}/g, " ")));
  if (style.link) kept.add(style.link);
  fields.title = withinLinks(fields.title, kept, THREADS_MAX_LINKS);
  fields.summary = withinLinks(fields.summary, kept, THREADS_MAX_LINKS);
  fields.author = withinLinks(fields.author, kept, THREADS_MAX_LINKS);

  const text = fitTemplate(style.template, fields, { escape: (s) => s, measure: threadsLength, maxLength: limits.maxLength });
  if (text === "") throw new RenderError("the item has no title, summary or link to post");
  // Counted with the link as attachment even for an image post: send falls back to a text post without an image URL.
  const links = linkCount(text, style.link);
  if (links > THREADS_MAX_LINKS) throw new RenderError(`the template alone carries ${links} links; Threads takes at most ${THREADS_MAX_LINKS}`);

  const payload: ThreadsPayload = { text, link: style.link, mediaType: image ? "IMAGE" : "TEXT" };
  const card = !image && style.link ? `\n[link preview: ${style.link}]` : "";
  const preview = image ? `[image: ${style.image?.alt ?? ""}]\n${text}` : `${text}${card}`;
  return { payload, preview, length: threadsLength(text), limits };
}
