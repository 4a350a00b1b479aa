import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fill, fitTemplate, itemFields, type TemplateFields } from "../../src/render/template.js";
import { truncate } from "../../src/text/graphemes.js";
import type { InstagramConfig } from "./config.js";
import { cutTags, instagramLength, tagCount, untagLast, type Tag } from "./count.js";

/**
 * What `send` posts: the `caption` of `POST /<IG_ID>/media`, and the image as render saw it. Send
 * takes the image URL and alt text from `ctx.image` (the fitted copy the core serves) and falls back
 * to these when the core gives none. Plain JSON.
 */
export interface InstagramPayload {
  caption: string;
  image: { url: string; alt: string };
}

/** `{link}` becomes `linkLine` ("Link in bio" by default): captions do not make links clickable. */
export const INSTAGRAM_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n\n{hashtags}";

/** IG User Media reference (Markdown served 2026-09-11), `caption` and `alt_text` ("up to 1000 character"). */
export const CAPTION = { maxLength: 2200, hashtags: 30, mentions: 20, altText: 1000 } as const;

export const INSTAGRAM_UNIT = "characters (UTF-16 units, emoji at their UTF-8 bytes: the strictest reading of Instagram's limit), with at most 30 hashtags and 20 @ tags";

export function instagramLimits(_cfg?: InstagramConfig): Limits {
  return { maxLength: CAPTION.maxLength, unit: INSTAGRAM_UNIT, source: "default" };
}

const NO_IMAGE = "Instagram posts need an image; this article has none";
const TEXT_FIELDS = ["summary", "title", "author", "feed"] as const;
const LIMIT: Record<Tag, number> = { hashtag: CAPTION.hashtags, mention: CAPTION.mentions };

// PostgreSQL-style NULs and other C0 controls but tab and newline never belong in a caption.
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");

/**
 * Brings the caption's tags within Instagram's counts before it is fitted: the template and link
 * line are the operator's and must fit alone; then the added hashtags ({hashtags}) are dropped from
 * the end, whole; only if the article's own text still has too many do its last ones lose their sign.
 */
function withinTagLimits(template: string, fields: TemplateFields): TemplateFields {
  const fixed = fill(template, { title: "", summary: "", author: "", feed: "", hashtags: "", link: fields.link }, (s) => s);
  for (const tag of ["hashtag", "mention"] as const) {
    if (tagCount(fixed, tag) > LIMIT[tag]) throw new RenderError(`the template and linkLine alone have ${tagCount(fixed, tag)} ${tag}s; Instagram allows ${LIMIT[tag]}`);
  }
  const over = (f: TemplateFields, tag: Tag) => tagCount(fill(template, f, (s) => s), tag) - LIMIT[tag];
  let f = { ...fields };
  const added = f.hashtags.split(/\s+/).filter(Boolean);
  while (added.length > 0 && over({ ...f, hashtags: added.join(" ") }, "hashtag") > 0) added.pop();
  f.hashtags = added.join(" ");
  for (const tag of ["hashtag", "mention"] as const) {
    for (const name of TEXT_FIELDS) {
      const excess = over(f, tag);
      if (excess <= 0) break;
      f = { ...f, [name]: untagLast(f[name], tag, excess) };
    }
  }
  return f;
}

/** Alt text within 1,000, counted like the caption. */
export function fitAltText(alt: string): string {
  const text = clean(alt).trim();
  let aim: number = CAPTION.altText;
  let out = text;
  while (instagramLength(out) > CAPTION.altText && aim > 0) {
    out = truncate(text, aim);
    aim = Math.min(aim - 1, Math.floor((aim * CAPTION.altText) / Math.max(1, instagramLength(out))));
  }
  return instagramLength(out) <= CAPTION.altText ? out : "";
}

/**
 * The caption: the template with `{link}` as the link line, tags within Instagram's counts, fitted
 * to `limits.maxLength` as count.ts counts (summary first, then hashtags, then title; the link line
 * never cut), and never a tag cut by the fitting (a cut "@desk_editor" would tag "@desk"). Pure.
 * @throws RenderError without an image (Instagram has no post without one), or when the link line alone does not fit.
 */
export function renderInstagram(item: FeedItem, cfg: InstagramConfig, limits: Limits, style: PostStyle): Rendered<InstagramPayload> {
  if (!style.image) throw new RenderError(NO_IMAGE);
  const linkLine = style.link ? cfg.linkLine.split("{link}").join(style.link) : "";
  const raw = itemFields(item, style);
  const fields = withinTagLimits(style.template, {
    ...(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, clean(v)])) as TemplateFields),
    link: linkLine,
  });
  const whole = fill(style.template, fields, (s) => s);
  const allowedCuts = new Set(cutTags(whole));
  const measure = (post: string): number => {
    if (cutTags(post).some((t) => !allowedCuts.has(t))) return Number.POSITIVE_INFINITY;
    if (tagCount(post, "hashtag") > CAPTION.hashtags || tagCount(post, "mention") > CAPTION.mentions) return Number.POSITIVE_INFINITY;
    return instagramLength(post);
  };
  const caption = fitTemplate(style.template, fields, { escape: (s) => s, measure, maxLength: Math.min(limits.maxLength, CAPTION.maxLength) });
  const alt = fitAltText(style.image.alt);
  return {
    payload: { caption, image: { url: style.image.url, alt } },
    preview: `${caption}\n\n[image${alt ? `: ${alt}` : ""}]`,
    length: instagramLength(caption),
    limits,
  };
}
