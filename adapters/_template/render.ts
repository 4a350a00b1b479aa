/**
 * Example posts are plain text of at most 500 Unicode code points. Pure: no I/O, clock,
 * environment or randomness. COPYING: replace the payload, the limit and `measureExample` with the
 * platform's own rules, each cited; keep `fitTemplate` (it never cuts the link).
 */
import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import type { ExampleConfig } from "./config.js";

/** What `send` posts: the JSON body of `POST /v1/posts`, 1:1. Plain JSON data. */
export interface ExamplePayload {
  channel: string;
  text: string;
}

export const EXAMPLE_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";

/** https://docs.example.com/api/posts#text: "at most 500 characters (Unicode code points)". */
export const EXAMPLE_MAX_LENGTH = 500;
export const EXAMPLE_LENGTH_UNIT = "Unicode code points";

/** The documented default; a destination's `maxLength` can only tighten it (the core applies it). Pure. */
export function exampleLimits(_cfg?: ExampleConfig): Limits {
  return { maxLength: EXAMPLE_MAX_LENGTH, unit: EXAMPLE_LENGTH_UNIT, source: "default" };
}

/**
 * Length as Example counts it: code points, so 👍🏽 counts 2 and a ZWJ family 7, though each is one
 * grapheme. COPYING: this is the function to get exactly right (twitter-text for X, UTF-16 after
 * HTML parsing for Telegram); test it against the loopback server's independent count.
 */
export function measureExample(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Fills the template and fits it to `limits.maxLength` code points. Example posts are plain
 * text, so field values are not escaped (a platform with markup escapes them here). Pure.
 * @throws RenderError when the item renders to nothing, or the link alone does not fit.
 */
export function renderExample(item: FeedItem, cfg: ExampleConfig, limits: Limits, style: PostStyle): Rendered<ExamplePayload> {
  const text = fitTemplate(style.template, itemFields(item, style), {
    escape: (s) => s,
    measure: measureExample,
    maxLength: Math.min(limits.maxLength, EXAMPLE_MAX_LENGTH),
  });
  // https://docs.example.com/api/posts#text: empty text is refused with 422; refuse it here instead.
  if (text.trim() === "") throw new RenderError(`item of feed "${item.feedId}" has no title, summary or link: nothing to post`);
  return { payload: { channel: cfg.channel, text }, preview: text, length: measureExample(text), limits };
}
