import { createRequire } from "node:module";
import type { ParseTweetOptions } from "twitter-text";
import type { FeedItem, Limits, PostStyle, Rendered } from "../../src/core/index.js";
import { RenderError } from "../../src/core/index.js";
import { fitTemplate, itemFields, type TemplateFields } from "../../src/render/template.js";
import type { XConfig } from "./config.js";

/** What `send` posts: the body of `POST /2/tweets`. Plain JSON. */
export interface XPayload {
  text: string;
}

export const X_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link} {hashtags}";

/** https://docs.x.com/resources/fundamentals/counting-characters */
export const X_LENGTH_UNIT = "weighted characters (twitter-text: a URL counts 23, CJK and emoji 2)";

type TwitterText = typeof import("twitter-text") & { configs: { defaults: ParseTweetOptions } };
let twitterTextModule: TwitterText | undefined;
/**
 * twitter-text (~12 MB with its polyfills) is loaded on the first X post, not by every process;
 * `require` keeps render synchronous. Its parse configurations exist at runtime, undeclared in its typings.
 */
function twitterText(): TwitterText {
  twitterTextModule ??= createRequire(import.meta.url)("twitter-text") as TwitterText;
  return twitterTextModule;
}

/** U+FFFE, U+FEFF, U+FFFF make a post invalid (twitter-text `hasInvalidCharacters`); feeds do contain BOMs. */
const INVALID_CHARACTERS = /[\uFFFE\uFEFF\uFFFF]/gu;

/** X's limit for non-Premium accounts; a destination's `maxLength` may tighten it. */
export const X_MAX_LENGTH = 280;

export function xLimits(_cfg: XConfig): Limits {
  return { maxLength: X_MAX_LENGTH, unit: X_LENGTH_UNIT, source: "default" };
}

/** Length of a post as X counts it. Pure. */
export function measureX(text: string): number {
  return twitterText().parseTweet(text).weightedLength;
}

/** Whether X would accept `text` within `maxLength` (also false for empty text and invalid characters). Pure. */
export function isValidX(text: string, maxLength: number): boolean {
  const lib = twitterText();
  return lib.parseTweet(text, { ...lib.configs.defaults, maxWeightedTweetLength: maxLength }).valid;
}

function clean(fields: TemplateFields): TemplateFields {
  const out = { ...fields };
  for (const key of Object.keys(out) as Array<keyof TemplateFields>) {
    if (key !== "link") out[key] = out[key].replace(INVALID_CHARACTERS, "");
  }
  return out;
}

/**
 * Fills the template and fits it to `limits.maxLength` as twitter-text counts. X posts are plain
 * text: `<`, `&` and quotes go out as they are. Pure.
 * @throws RenderError when no valid post can be made (no title, summary nor link; a link too long).
 */
export function renderX(item: FeedItem, _cfg: XConfig, limits: Limits, style: PostStyle): Rendered<XPayload> {
  const fields = clean(itemFields(item, style));
  // X counts the NFC form (counting-characters doc); sending it keeps preview, count and post identical.
  const text = fitTemplate(style.template, fields, {
    escape: (s) => s,
    measure: (post) => measureX(post.normalize("NFC")),
    maxLength: limits.maxLength,
  }).normalize("NFC");
  if (!isValidX(text, limits.maxLength)) {
    throw new RenderError(
      text.trim() === "" ? "the item has no title, summary or link to post" : "the post is not valid for X (twitter-text)",
    );
  }
  return { payload: { text }, preview: text, length: measureX(text), limits };
}
