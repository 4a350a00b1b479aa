import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import type { SlackConfig } from "./config.js";
import { imageAccessory, type SlackImageElement } from "./image.js";
import { escapeMrkdwn, linkForMrkdwn, mrkdwnPreview, tidyLinks } from "./mrkdwn.js";

/**
 * https://api.slack.com/reference/block-kit/blocks#section: a section block with a mrkdwn text
 * object and, when the article has a picture, an image element as its `accessory` (image.ts says
 * why not an image block).
 */
export interface SlackSectionBlock {
  type: "section";
  text: { type: "mrkdwn"; text: string };
  accessory?: SlackImageElement;
}

/**
 * What `send` posts: the JSON body of chat.postMessage (bot mode adds `channel`) or of the
 * incoming webhook. Plain JSON data.
 */
export interface SlackPayload {
  /** Notification / screen-reader fallback (https://api.slack.com/methods/chat.postMessage#text-usage): the same mrkdwn as the section. */
  text: string;
  blocks: [SlackSectionBlock];
  /** chat.postMessage `unfurl_links`: "Pass true to enable unfurling of primarily text-based content." */
  unfurl_links: boolean;
}

/**
 * https://api.slack.com/reference/block-kit/blocks#section — `text`: "Maximum length for the text in
 * this field is 3000 characters." Slack's block validator answers "must be less than 3001
 * characters [json-pointer:/blocks/0/text/text]" (fixtures/postmessage-invalid-blocks.json), i.e.
 * it counts the string as sent: after escaping, with the `<url|title>` markup. We count UTF-16
 * code units, never fewer than Slack's characters (an astral emoji is 2 here, at least 1 there).
 * The top-level `text` limit (40,000, truncated beyond; "keep under 4,000" — see README) is above this.
 */
export const SLACK_SECTION_MAX = 3000;
export const SLACK_LENGTH_UNIT = "UTF-16 code units of the section's mrkdwn text, after escaping and link markup";

/** Title as a bold link, then the summary and the hashtags; the link is never cut. */
export const SLACK_DEFAULT_TEMPLATE = "*<{link}|{title}>*\n{summary}\n{hashtags}";

/** Pure. A destination's `maxLength` can only tighten this (the core applies it). */
export function slackLimits(_cfg?: SlackConfig): Limits {
  return { maxLength: SLACK_SECTION_MAX, unit: SLACK_LENGTH_UNIT, source: "default" };
}

/** Length as Slack's validator counts it (conservatively; see SLACK_SECTION_MAX). */
export function measureSlack(mrkdwn: string): number {
  return mrkdwn.length;
}

/**
 * Fills the template as Slack mrkdwn: field text escaped (`&`, `<`, `>` only), the link made safe
 * for `<url|…>`, fitted by shortening the summary, then the title, to the section limit.
 * `style.image` becomes the section's image accessory (alt text ≤ 2,000, URL ≤ 3,000); it takes
 * nothing from the text's 3,000. Pure.
 * @throws RenderError when the item has nothing to post or the link alone does not fit.
 */
export function renderSlack(item: FeedItem, cfg: SlackConfig, limits: Limits, style: PostStyle): Rendered<SlackPayload> {
  if (!style.link && !item.title && !item.summary) {
    throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  }
  const fields = itemFields(item, style);
  const mrkdwn = tidyLinks(
    fitTemplate(style.template, { ...fields, link: linkForMrkdwn(fields.link) }, {
      escape: escapeMrkdwn,
      // Measured as sent: after the template's empty links are tidied away.
      measure: (post) => measureSlack(tidyLinks(post)),
      maxLength: Math.min(limits.maxLength, SLACK_SECTION_MAX),
    }),
  );
  // Section text has a minimum length of 1, and chat.postMessage answers `no_text` for an empty message.
  if (mrkdwn.trim() === "") throw new RenderError(`item of feed "${item.feedId}" renders to an empty message with this template`);
  const section: SlackSectionBlock = { type: "section", text: { type: "mrkdwn", text: mrkdwn } };
  const image = imageAccessory(style.image);
  if (image) section.accessory = image;
  const payload: SlackPayload = { text: mrkdwn, blocks: [section], unfurl_links: cfg.unfurlLinks };
  const preview = mrkdwnPreview(mrkdwn) + (image ? `\n[image: ${image.alt_text} (${image.image_url})]` : "");
  return { payload, preview, length: measureSlack(mrkdwn), limits };
}
