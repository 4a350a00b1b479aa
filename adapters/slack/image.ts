/**
 * The article's picture as a Block Kit image element in the section's `accessory`. Pure.
 *
 * Why an accessory and not an `image` block after the section: Slack downloads an image block's
 * `image_url` while it accepts the message, and when that download fails it refuses the whole
 * message — `invalid_blocks`, "downloading image failed [json-pointer:/blocks/1/image_url]"
 * (https://github.com/otiai10/amesh-bot/issues/24; intermittently for images that load fine,
 * https://github.com/slackapi/python-slack-sdk/issues/1782; for WebP, which a URL-only platform
 * gets unconverted while the image block takes only png, jpg, jpeg and gif,
 * https://github.com/slackapi/node-slack-sdk/issues/1482). The core classifies `invalid_blocks`
 * as `rejected`: the article would never be posted, and a run of them pauses the destination.
 * A section's image accessory that cannot be fetched leaves the message posted with a broken
 * thumbnail (https://github.com/slackapi/java-slack-sdk/issues/1396). A thumbnail beside the
 * text is smaller than a full-width image, but the post going out is what Crier promises.
 */
import { truncate } from "../../src/text/graphemes.js";

/** https://api.slack.com/reference/block-kit/block-elements#image — `type`, `image_url`, `alt_text` (both required here). */
export interface SlackImageElement {
  type: "image";
  image_url: string;
  /** "A plain-text summary of the image. This should not contain any markup." */
  alt_text: string;
}

/** image element and image block: `image_url` "Maximum length for this field is 3000 characters". */
export const SLACK_IMAGE_URL_MAX = 3000;
/**
 * https://api.slack.com/reference/block-kit/blocks#image: `alt_text` "Maximum length for this field
 * is 2000 characters". The element's page gives no figure; the block's is kept for both.
 */
export const SLACK_ALT_TEXT_MAX = 2000;
/** Alt text is required; used when neither the feed nor the title gave any. */
export const SLACK_ALT_TEXT_FALLBACK = "Article image";

/**
 * `text` on one line, at most `max` UTF-16 code units (never fewer than Slack's characters, as for
 * section text), cut at a grapheme (never inside an emoji) with an ellipsis. Plain text: no
 * mrkdwn escaping, since alt_text is a string, not a text object, and is read out as given.
 */
export function fitAltText(text: string, max = SLACK_ALT_TEXT_MAX): string {
  const flat = text.replace(/\s+/gu, " ").trim() || SLACK_ALT_TEXT_FALLBACK;
  if (flat.length <= max) return flat;
  // A grapheme is at least one code unit: aim at `max` graphemes, shrink in proportion on a miss.
  let aim = max;
  for (;;) {
    const cut = truncate(flat, aim);
    if (cut.length <= max) return cut;
    aim = Math.min(aim - 1, Math.floor((aim * max) / cut.length));
  }
}

/** The accessory for `style.image`, or null when its URL is not one Slack can take (the post then goes without it). */
export function imageAccessory(image: { url: string; alt: string } | undefined): SlackImageElement | null {
  if (!image || image.url.length > SLACK_IMAGE_URL_MAX) return null;
  try {
    const { protocol } = new URL(image.url);
    if (protocol !== "http:" && protocol !== "https:") return null;
  } catch {
    return null;
  }
  return { type: "image", image_url: image.url, alt_text: fitAltText(image.alt) };
}
