/**
 * Post templates: `{title}`, `{summary}`, `{link}`, `{author}`, `{hashtags}`, `{feed}` filled
 * with an item's fields and fitted to a platform's length by shortening the summary first, then
 * dropping hashtags, then shortening the title. The link is never cut. Pure.
 */
import type { FeedItem } from "../core/feed-item.js";
import { RenderError, type PostStyle } from "../core/adapter.js";
import { graphemeLength, truncate } from "../text/graphemes.js";
import { toHashtags } from "../text/hashtags.js";

export const TEMPLATE_PLACEHOLDERS = ["title", "summary", "link", "author", "hashtags", "feed"] as const;
export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateFields = Record<Placeholder, string>;

const PLACEHOLDER = /\{([a-z]+)\}/g;

/** Anything that looks meant as a placeholder, so that `{Title}` or `{feed_name}` is reported, not posted. */
const PLACEHOLDER_LIKE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names used in `template` that are not placeholders (for config validation). */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  return [...template.matchAll(PLACEHOLDER_LIKE)].map((m) => m[1] ?? "").filter((name) => !known.has(name));
}

/** The fields of an item as plain text (not yet escaped for any platform). Pure. */
export function itemFields(item: FeedItem, style: Pick<PostStyle, "link" | "maxHashtags" | "hashtags">): TemplateFields {
  return {
    title: item.title,
    summary: item.summary,
    link: style.link ?? "",
    author: item.author ?? "",
    hashtags: (style.hashtags ?? toHashtags(item.categories, style.maxHashtags)).join(" "),
    feed: item.feedId,
  };
}

export interface FitRules {
  /** Escapes a plain-text field value for the platform's markup (identity for plain text). */
  escape: (text: string) => string;
  /** Length of a whole post as the platform counts it. */
  measure: (post: string) => number;
  maxLength: number;
}

/** Fills the template, then tidies blank lines left by empty fields. */
export function fill(template: string, fields: TemplateFields, escape: (text: string) => string): string {
  const text = template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(fields, name) ? escape(fields[name as Placeholder]) : whole, // not `in`: {constructor}
  );
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/u, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Fills `template` and shortens fields until the post fits `rules.maxLength`.
 * @throws RenderError when even the link alone (with the template's fixed text) does not fit.
 */
export function fitTemplate(template: string, fields: TemplateFields, rules: FitRules): string {
  // No platform counts less than a unit per four graphemes (Mastodon's fixed-length URLs come
  // closest); cutting a 10,000-character summary down first keeps the search below cheap.
  const cap = rules.maxLength * 4;
  if (fields.summary.length > cap) fields = { ...fields, summary: truncate(fields.summary, cap) };
  const attempt = (f: TemplateFields): string => fill(template, f, rules.escape);
  const fits = (f: TemplateFields): boolean => rules.measure(attempt(f)) <= rules.maxLength;
  if (fits(fields)) return attempt(fields);

  let current = shrinkField(fields, "summary", fits);
  if (fits(current)) return attempt(current);
  current = { ...current, summary: "", hashtags: "" };
  if (fits(current)) return attempt(current);
  current = shrinkField(current, "title", fits);
  if (fits(current)) return attempt(current);
  current = { ...current, title: "", author: "" };
  if (fits(current)) return attempt(current);
  throw new RenderError(
    `the link alone is longer than the platform allows (${rules.measure(attempt(current))} > ${rules.maxLength})`,
  );
}

/** Binary search for the longest truncation of one field that still fits. */
function shrinkField(fields: TemplateFields, name: "summary" | "title", fits: (f: TemplateFields) => boolean): TemplateFields {
  const original = fields[name];
  let low = 0;
  let high = graphemeLength(original);
  let best: TemplateFields = { ...fields, [name]: "" };
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const candidate = { ...fields, [name]: truncate(original, mid) };
    if (fits(candidate)) {
      best = candidate;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return best;
}
