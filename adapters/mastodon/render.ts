import type { FeedItem, Limits, PostStyle, Rendered } from "../../src/core/index.js";
import { RenderError } from "../../src/core/index.js";
import { fitTemplate, itemFields, type TemplateFields } from "../../src/render/template.js";
import type { MastodonConfig, Visibility } from "./config.js";
import { DEFAULT_URL_LENGTH, mastodonLength } from "./count.js";

/** What `send` posts: the parameters of `POST /api/v1/statuses` (masto sends `spoilerText` as `spoiler_text`). Plain JSON. */
export interface MastodonPayload {
  status: string;
  visibility: Visibility;
  language?: string;
  spoilerText?: string;
}

export const MASTODON_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";

/** StatusLengthValidator::MAX_CHARS, what an unmodified Mastodon allows; instances announce their own. */
export const MASTODON_MAX_LENGTH = 500;

/**
 * How Mastodon counts, in words. `Limits` has no slot for counting parameters, so the announced
 * `characters_reserved_per_url` travels in this text and `urlLengthOf` reads it back.
 */
export function mastodonUnit(urlLength: number): string {
  return `characters (graphemes; each URL counts ${urlLength}, @user@server counts as @user; content warning included)`;
}

/** The per-URL width stated in `limits.unit`; 23 when the unit is not ours. Pure. */
export function urlLengthOf(limits: Limits): number {
  const m = /each URL counts (\d+)/.exec(limits.unit);
  return m ? Number(m[1]) : DEFAULT_URL_LENGTH;
}

/** Documented defaults (cfg may be absent). Pure. */
export function mastodonLimits(_cfg?: MastodonConfig): Limits {
  return { maxLength: MASTODON_MAX_LENGTH, unit: mastodonUnit(DEFAULT_URL_LENGTH), source: "default" };
}

/** Limits an instance announced in `configuration.statuses` of `GET /api/v2/instance`. Pure. */
export function discoveredLimits(maxCharacters: number, charactersReservedPerUrl: number): Limits {
  return { maxLength: maxCharacters, unit: mastodonUnit(charactersReservedPerUrl), source: "discovered" };
}

// PostgreSQL refuses NUL in text columns: Mastodon would answer 500 for the whole post.
const clean = (fields: TemplateFields): TemplateFields =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.replace(/\u0000/g, "")])) as TemplateFields;

/**
 * Fills the template and fits it to `limits.maxLength` as Mastodon counts (see count.ts), the
 * content warning included. Statuses are plain text: Mastodon escapes `<`, `&` itself. Pure.
 * @throws RenderError when no valid post can be made (nothing to post, link or warning too long).
 */
export function renderMastodon(item: FeedItem, cfg: MastodonConfig, limits: Limits, style: PostStyle): Rendered<MastodonPayload> {
  const urlLength = urlLengthOf(limits);
  const spoiler = cfg.spoilerText ?? "";
  const measure = (post: string): number => mastodonLength(post, spoiler, urlLength);
  if (measure("") >= limits.maxLength) {
    throw new RenderError(`spoilerText alone uses ${measure("")} of the ${limits.maxLength} characters allowed`);
  }
  const status = fitTemplate(style.template, clean(itemFields(item, style)), { escape: (s) => s, measure, maxLength: limits.maxLength });
  if (status === "") throw new RenderError("the item has no title, summary or link to post");
  const payload: MastodonPayload = { status, visibility: cfg.visibility };
  if (cfg.language) payload.language = cfg.language;
  if (spoiler) payload.spoilerText = spoiler;
  return { payload, preview: spoiler ? `CW: ${spoiler}\n\n${status}` : status, length: measure(status), limits };
}
