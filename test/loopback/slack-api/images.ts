// Images in Block Kit: the image block (https://api.slack.com/reference/block-kit/blocks#image, read 2026-11-27)
// and the image element, e.g. a section's accessory
// (https://api.slack.com/reference/block-kit/block-elements#image, read 2026-11-27). Rules and sources: README.md.

/** Whether Slack's image fetcher could download this URL (the loopback fetches nothing). */
export type ImageFetch = (url: string) => boolean;

/** Both pages: `image_url` "Maximum length for this field is 3000 characters." */
export const IMAGE_URL_MAX = 3000;
/** Block page: `alt_text` "Maximum length for this field is 2000 characters." (the element's page gives none; loopback choice: the same). */
export const ALT_TEXT_MAX = 2000;

/** Characters as JSON Schema's maxLength counts them: code points (as blocks.ts). */
const chars = (s: string): number => [...s].length;

function boundedString(value: unknown, at: string, max: number): string[] {
  if (typeof value !== "string") return [`must be a string [json-pointer:${at}]`];
  if (chars(value) < 1) return [`must be more than 0 characters [json-pointer:${at}]`];
  if (chars(value) > max) return [`must be less than ${max + 1} characters [json-pointer:${at}]`];
  return [];
}

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Validates an image block or image element. A missing field is reported at the object, as Slack
 * does: "missing required field: alt_text [json-pointer:/view/blocks/3/accessory]" (an answer quoted
 * in https://github.com/High-Tower80/Slack-chatgpt-bot-with-dall-e (read 2026-11-27), README). An image *block* whose
 * URL Slack cannot download fails the message: "downloading image failed [json-pointer:/blocks/0/image_url]"
 * (https://github.com/otiai10/amesh-bot/issues/24, read 2026-11-27); an *element* is not fetched at post time and an
 * unreachable one shows as a broken image (https://github.com/slackapi/java-slack-sdk/issues/1396, read 2026-11-27).
 */
export function validateImage(img: Record<string, unknown>, at: string, kind: "block" | "element", fetchable: ImageFetch): string[] {
  const errors: string[] = [];
  const hasUrl = img.image_url !== undefined;
  const hasFile = img.slack_file !== undefined;
  // "You must provide either an image_url or slack_file." Both: refused (wording: loopback choice).
  if (!hasUrl && !hasFile) errors.push(`missing required field: image_url [json-pointer:${at}]`);
  if (hasUrl && hasFile) errors.push(`must provide only one of image_url, slack_file [json-pointer:${at}]`);
  if (img.alt_text === undefined) errors.push(`missing required field: alt_text [json-pointer:${at}]`);
  else errors.push(...boundedString(img.alt_text, `${at}/alt_text`, ALT_TEXT_MAX));
  if (hasUrl) {
    const urlErrors = boundedString(img.image_url, `${at}/image_url`, IMAGE_URL_MAX);
    const url = String(img.image_url);
    // "The URL for a publicly hosted image": http(s) only. Wording observed for a bad slack_file.url
    // (https://github.com/slackapi/bolt-python/issues/1016, read 2026-11-27); using it for image_url is a loopback choice.
    if (urlErrors.length) errors.push(...urlErrors);
    else if (!isWebUrl(url)) errors.push(`invalid_url [json-pointer:${at}/image_url]`);
    else if (kind === "block" && !fetchable(url)) errors.push(`downloading image failed [json-pointer:${at}/image_url]`);
  }
  // The loopback workspace holds no files: any slack_file is unknown. Observed wording:
  // "invalid slack file [json-pointer:/blocks/0/slack_file]" (https://github.com/slackapi/python-slack-sdk/issues/1797, read 2026-11-27).
  if (hasFile) errors.push(`invalid slack file [json-pointer:${at}/slack_file]`);
  return errors;
}
