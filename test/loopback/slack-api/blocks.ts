// Block Kit validation, the part Crier uses (README.md, "Blocks"). Errors are shaped like Slack's
// recorded `invalid_blocks` answer: `errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]`.
import { validateImage, type ImageFetch } from "./images.js";

export type { ImageFetch } from "./images.js";

/** https://api.slack.com/reference/block-kit/blocks (read 2026-11-27): "You can include up to 50 blocks in each message". */
export const MAX_BLOCKS = 50;
/** https://api.slack.com/reference/block-kit/blocks#section (read 2026-11-27): section `text` "Maximum length … is 3000 characters". */
export const SECTION_TEXT_MAX = 3000;
/** Same page: `fields` "Maximum number of items is 10. Maximum length for the text in each item is 2000 characters." */
export const FIELD_TEXT_MAX = 2000;
/** https://api.slack.com/reference/block-kit/blocks#header (read 2026-11-27): plain_text, "Maximum length for the text in this field is 150 characters." */
export const HEADER_TEXT_MAX = 150;
/** https://api.slack.com/reference/block-kit/blocks#image (read 2026-11-27): `title` "Maximum length for the text in this field is 2000 characters." */
export const IMAGE_TITLE_MAX = 2000;

/** Characters as JSON Schema's maxLength counts them: code points. */
const chars = (s: string): number => [...s].length;

/**
 * Returns the validation errors of a `blocks` value (empty when valid). `fetchable` says whether
 * Slack's image fetcher could download an image URL (default: every URL; images.ts).
 */
export function validateBlocks(blocks: unknown, fetchable: ImageFetch = () => true): string[] {
  if (!Array.isArray(blocks)) return ["must be an array [json-pointer:/blocks]"];
  const errors: string[] = [];
  if (blocks.length > MAX_BLOCKS) errors.push(`must contain at most ${MAX_BLOCKS} items [json-pointer:/blocks]`);
  blocks.forEach((block: unknown, i) => errors.push(...validateBlock(block, `/blocks/${i}`, fetchable)));
  return errors;
}

function textObject(value: unknown, at: string, max: number, types: readonly string[]): string[] {
  if (!value || typeof value !== "object") return [`must be a text object [json-pointer:${at}]`];
  const t = value as { type?: unknown; text?: unknown };
  if (typeof t.type !== "string" || !types.includes(t.type)) return [`must be one of ${types.join(", ")} [json-pointer:${at}/type]`];
  if (typeof t.text !== "string") return [`must be a string [json-pointer:${at}/text]`];
  if (chars(t.text) < 1) return [`must be more than 0 characters [json-pointer:${at}/text]`];
  if (chars(t.text) > max) return [`must be less than ${max + 1} characters [json-pointer:${at}/text]`];
  return [];
}

function validateBlock(block: unknown, at: string, fetchable: ImageFetch): string[] {
  if (!block || typeof block !== "object") return [`must be an object [json-pointer:${at}]`];
  const b = block as Record<string, unknown>;
  switch (b.type) {
    case "section": {
      if (b.text === undefined && b.fields === undefined) return [`must provide text or fields [json-pointer:${at}]`];
      const errors = b.text === undefined ? [] : textObject(b.text, `${at}/text`, SECTION_TEXT_MAX, ["mrkdwn", "plain_text"]);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) errors.push(`must be an array of at most 10 items [json-pointer:${at}/fields]`);
        else b.fields.forEach((f: unknown, j) => errors.push(...textObject(f, `${at}/fields/${j}`, FIELD_TEXT_MAX, ["mrkdwn", "plain_text"])));
      }
      if (b.accessory !== undefined) errors.push(...accessory(b.accessory, `${at}/accessory`));
      return errors;
    }
    case "image": {
      // https://api.slack.com/reference/block-kit/blocks#image (read 2026-11-27): title, if any, is plain_text ≤ 2,000.
      const errors = validateImage(b, at, "block", fetchable);
      if (b.title !== undefined) errors.push(...textObject(b.title, `${at}/title`, IMAGE_TITLE_MAX, ["plain_text"]));
      return errors;
    }
    case "header":
      return textObject(b.text, `${at}/text`, HEADER_TEXT_MAX, ["plain_text"]);
    case "divider":
      return [];
    case "context":
      return Array.isArray(b.elements) && b.elements.length > 0 ? [] : [`must provide elements [json-pointer:${at}/elements]`];
    default:
      // Other block types exist (actions, rich_text, …); Crier sends none, so the loopback refuses them.
      return [`unsupported type: ${String(b.type)} [json-pointer:${at}/type]`];
  }
}

/** A section's `accessory`: the loopback knows the image element; other elements exist, Crier sends none (loopback choice). */
function accessory(element: unknown, at: string): string[] {
  if (!element || typeof element !== "object" || Array.isArray(element)) return [`must be an object [json-pointer:${at}]`];
  const e = element as Record<string, unknown>;
  // An accessory image is not downloaded at post time: an unreachable one shows as a broken thumbnail (images.ts).
  return e.type === "image" ? validateImage(e, at, "element", () => true) : [`unsupported type: ${String(e.type)} [json-pointer:${at}/type]`];
}

/** The `invalid_blocks` body of the Web API for these errors. */
export function invalidBlocksBody(errors: string[]): Record<string, unknown> {
  return { ok: false, error: "invalid_blocks", errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}
