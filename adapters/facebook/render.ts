/**
 * Facebook Page posts are plain text (`message` / `caption`); Facebook builds the link preview
 * itself from the article's Open Graph tags. Pure: no I/O, clock, environment or randomness.
 */
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import type { FacebookConfig } from "./config.js";

/**
 * A link post: the parameters of `POST /{page-id}/feed` (Page Posts guide,
 * https://developers.facebook.com/docs/pages-api/posts: "`message` set to the text for your post",
 * "`link` set to your URL if you want to post a link").
 */
export interface FacebookLinkPost {
  message: string;
  link?: string;
}

/**
 * A photo post: `POST /{page-id}/photos` with `url` (the Page Posts guide: "with the `url`
 * parameter set to the photo"), `caption` ("The description of the photo"; `message` is
 * "Deprecated. Please use the caption param instead") and `alt_text_custom` (Photo reference,
 * https://developers.facebook.com/docs/graph-api/reference/photo/, v18.0 copy).
 */
export interface FacebookPhotoPost {
  url: string;
  caption: string;
  altText?: string;
}

/**
 * What `send` posts. `photo` is tried first when present; `feed` is always there, so that a photo
 * Facebook refuses (it cannot fetch the image, say) can go out as the link post instead.
 */
export interface FacebookPayload {
  feed: FacebookLinkPost;
  photo?: FacebookPhotoPost;
}

/** The link goes in `link`, so the default message leaves it out; photo captions add it (see below). */
export const FACEBOOK_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{hashtags}";

/**
 * 63,206 characters: UNCONFIRMED. No Meta page in reach states a length for Page posts; the figure
 * is the one third parties report (e.g. https://github.com/diaspora/diaspora/issues/5090, and every
 * "character counter" site). Meta names no unit either, so the count is UTF-16 code units, which is
 * never fewer than code points or graphemes: a post within it is within any of them.
 */
export const FACEBOOK_MAX_LENGTH = 63_206;
export const FACEBOOK_LENGTH_UNIT = "UTF-16 code units (unconfirmed: Meta documents neither the limit nor the unit)";

/** Length as Crier counts it for Facebook (UTF-16 code units). Pure. */
export function facebookLength(text: string): number {
  return text.length;
}

export function facebookLimits(_cfg?: FacebookConfig): Limits {
  return { maxLength: FACEBOOK_MAX_LENGTH, unit: FACEBOOK_LENGTH_UNIT, source: "default" };
}

/** A photo has no link preview, so its caption must carry the link: appended when the template has no {link}. */
export function captionTemplate(template: string): string {
  return /\{link\}/.test(template) ? template : `${template}\n\n{link}`;
}

// Form bodies are UTF-8: an unpaired surrogate would arrive as U+FFFD, so it is replaced here and
// the payload is what Facebook stores. NUL is dropped (no text field takes it).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const clean = (s: string): string => s.replace(/\u0000/g, "").replace(LONE_SURROGATE, "\uFFFD");

/**
 * Fills the template and fits it to `limits.maxLength`; adds the photo post when the destination
 * posts photos and the core found an image. Pure.
 * @throws RenderError when the item has nothing to post.
 */
export function renderFacebook(item: FeedItem, cfg: FacebookConfig, limits: Limits, style: PostStyle): Rendered<FacebookPayload> {
  const maxLength = Math.min(limits.maxLength, FACEBOOK_MAX_LENGTH);
  const rules = { escape: (s: string) => s, measure: facebookLength, maxLength };
  const fields = Object.fromEntries(Object.entries(itemFields(item, style)).map(([k, v]) => [k, clean(v)])) as ReturnType<typeof itemFields>;
  const link = style.link ?? undefined;
  const message = fitTemplate(style.template, fields, rules);
  // Meta answers "(#100) Missing message or attachment" for neither (observed wording, see fixtures/).
  if (message === "" && !link) throw new RenderError(`item of feed "${item.feedId}" has no title, summary or link: nothing to post`);
  const feed: FacebookLinkPost = link ? { message, link } : { message };

  if (cfg.postAs === "photo" && style.image) {
    const caption = fitTemplate(captionTemplate(style.template), fields, rules);
    const photo: FacebookPhotoPost = { url: style.image.url, caption };
    if (style.image.alt.trim() !== "") photo.altText = clean(style.image.alt);
    return { payload: { feed, photo }, preview: `[photo: ${photo.url}]\n${caption}`, length: facebookLength(caption), limits };
  }
  const preview = link ? `${message}${message ? "\n\n" : ""}[link preview of ${link}]` : message;
  return { payload: { feed }, preview, length: facebookLength(message), limits };
}
