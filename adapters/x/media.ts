/**
 * The article's image on X: media upload v2 (`POST /2/media/upload/initialize`, `/{id}/append`,
 * `/{id}/finalize`: https://docs.x.com/x-api/media/quickstart/media-upload-chunked; the v1.1 upload
 * is retired) through twitter-api-v2's `v2.uploadMedia`, then its alt text
 * (`POST /2/media/metadata`: https://docs.x.com/x-api/media/create-media-metadata). Imports the SDK's types only.
 */
import type { AttachedImage, ImageLimits } from "../../src/core/index.js";
import { truncate } from "../../src/text/graphemes.js";
import { describeXError, isApiError, XUploadError } from "./classify.js";
import type { XClient } from "./x-client.js";

/**
 * https://docs.x.com/x-api/media/quickstart/best-practices, "Image specifications": "Supported
 * image media types: JPG, PNG, GIF, WEBP"; "Image size: <= 5 MB" (X's refusal names 5242880 bytes,
 * test/loopback/x-api/problems.ts). X documents no pixel limit for uploads; third-party guides
 * quote 8192×8192 (e.g. https://docs.getlate.dev/resources/media-guidelines/twitter). 4096×4096 is
 * our choice: well inside that, more than any timeline shows, and it keeps uploads small.
 */
export const X_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxWidth: 4096,
  maxHeight: 4096,
  formats: ["jpeg", "png", "webp", "gif"],
};

/** `metadata.alt_text.text`: "Max length: 1000" (create-media-metadata), in code points. */
export const X_MAX_ALT_TEXT = 1000;

const MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (mime: string): mime is MediaType => (MEDIA_TYPES as readonly string[]).includes(mime);

/** The attached image, maybe with a remark (alt text refused). */
export type Upload = { mediaId: string; note?: string };

/** The alt text cut to X's 1000 code points, at a grapheme boundary. Pure. */
export function altTextFor(alt: string): string {
  let max = X_MAX_ALT_TEXT;
  let text = truncate(alt.trim(), max);
  while (Array.from(text).length > X_MAX_ALT_TEXT) text = truncate(alt.trim(), (max = Math.floor(max * 0.9)));
  return text;
}

/**
 * X refusing the image, as opposed to failing: a 4xx other than 401 (bad tokens fail the post
 * too) and 429 (a limit to wait for); or the processing failure twitter-api-v2 reports from STATUS.
 */
function refusal(err: unknown): string | undefined {
  if (isApiError(err, "response")) {
    const refused = err.code >= 400 && err.code < 500 && err.code !== 401 && err.code !== 429 && !err.rateLimitError;
    return refused ? describeXError(err) : undefined;
  }
  if (err instanceof Error && err.message.startsWith("Media processing failed")) return err.message;
  return undefined;
}

/**
 * Uploads `image` and sets its alt text. Honours `signal` on every request. Alt text X refuses is
 * left out, with a note; the image stays.
 * @throws XUploadError when the upload failed (`refused` set when X refused the image), or
 *   setting the alt text failed otherwise (network, 5xx, 401, 429): the core decides what follows.
 */
export async function uploadImage({ api, withSignal }: XClient, image: AttachedImage, signal: AbortSignal): Promise<Upload> {
  if (!isMediaType(image.mime)) throw new XUploadError("upload", null, `${image.mime} is not an image type X takes`);
  let mediaId: string;
  try {
    // media_category is inferred from the type: tweet_image, or tweet_gif for GIFs (best practices).
    // The library polls STATUS (waiting check_after_secs) only if FINALIZE reports processing_info
    // (asynchronous processing, documented for video); each poll is still bound to `signal`.
    mediaId = await withSignal(signal, () => api.v2.uploadMedia(image.bytes, { media_type: image.mime as MediaType }));
  } catch (err) {
    throw new XUploadError("upload", err, refusal(err));
  }
  const text = altTextFor(image.alt);
  if (text === "") return { mediaId };
  try {
    await withSignal(signal, () => api.v2.createMediaMetadata(mediaId, { alt_text: { text } }));
  } catch (err) {
    const refused = refusal(err);
    if (refused !== undefined) return { mediaId, note: `alt text refused by X: ${refused}` };
    throw new XUploadError("alt text", err);
  }
  return { mediaId };
}
