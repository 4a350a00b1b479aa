/**
 * The article's image on Mastodon: uploaded with `POST /api/v2/media`
 * (https://docs.joinmastodon.org/methods/media/#v2) through masto's `v2.media.create`, then named in
 * the status's `media_ids[]` (send.ts). Imports masto's types only.
 */
import type { mastodon } from "masto";
import type { AttachedImage, ImageLimits } from "../../src/core/index.js";
import { truncate } from "../../src/text/graphemes.js";
import { MastodonImageError, isMastoHttpError } from "./classify.js";

/**
 * Static, because the seam has no per-connection image limits: instances announce their own in
 * `configuration.media_attachments` of GET /api/v2/instance (https://docs.joinmastodon.org/entities/Instance/#media_attachments).
 * - bytes: the documented example `image_size_limit` (10,485,760), which every current server
 *   meets; Mastodon takes 16 MB now (https://docs.joinmastodon.org/user/posting/#media: "Images
 *   … up to 16MB") but older 4.x servers announce 10 MB, and an article picture loses nothing at 10.
 * - pixels: 4096×4096 is the documented example `image_matrix_limit` (16,777,216, "width times
 *   height"), under today's 7680×4320; Mastodon scales the original down to 8.3 megapixels itself.
 * - formats: JPEG, PNG and WebP (/user/posting/#media). Not GIF: "GIF dimensions must be less than
 *   1MP (1280x720)", static GIFs included, and an animated one becomes a video processed in the
 *   background (202); ImageLimits cannot say that, so GIFs are re-encoded as JPEG by the core.
 */
export const MASTODON_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 10_485_760,
  maxWidth: 4096,
  maxHeight: 4096,
  formats: ["jpeg", "png", "webp"],
};

/** MediaAttachment::MAX_DESCRIPTION_LENGTH: longer alt text is a 422 (Ruby counts code points). */
export const MASTODON_MAX_DESCRIPTION = 1_500;

/** An uploaded attachment's id. */
export type Upload = { id: string };

/** The alt text within 1,500 code points, cut at a grapheme boundary. Pure. */
export function descriptionFor(alt: string): string {
  const text = alt.trim();
  let max = MASTODON_MAX_DESCRIPTION;
  let out = truncate(text, max);
  while (Array.from(out).length > MASTODON_MAX_DESCRIPTION) out = truncate(text, (max = Math.floor(max * 0.9)));
  return out;
}

const EXTENSIONS: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };

/**
 * The server refusing the image, as opposed to the request failing: a 4xx answer other than 401
 * (a bad token fails the post too) and 429 (a limit the core waits out), e.g. 422 "Validation
 * failed: File content type is invalid", 413 over the size limit. A 5xx (the docs' "500: Error
 * processing thumbnail for uploaded media", a server that is down), an answer that is not JSON (a
 * proxy's error page, whose status masto loses) and no answer at all are failures the core retries
 * a few times: undefined. Pure.
 */
export function refusalOf(err: unknown): string | undefined {
  if (isMastoHttpError(err)) {
    if (err.statusCode === 401 || err.statusCode === 429 || err.statusCode >= 500) return undefined;
    // Api::BaseController: a token without write:media gets "This action is outside the authorized scopes".
    const hint = err.statusCode === 403 ? " (the access token needs the write:media scope)" : "";
    return `${err.statusCode} ${err.message}${hint}`;
  }
  return undefined;
}

/**
 * Uploads the image with its alt text. No Idempotency-Key: Mastodon honours it on statuses only, so
 * a retried send uploads again; an attachment no status took is removed by the server later.
 *
 * `skipPolling`: masto otherwise waits for processing by sleeping a second and polling
 * GET /api/v1/media/:id without our signal. Images (4.0+) are processed before the answer (200);
 * a 202 (`url` null, "still processing") is referenced at once all the same, and if the server
 * then refuses the status for it, send.ts throws and the core posts without the image. masto sends
 * the flag as a form field, `skip_polling`, which Mastodon ignores (not a permitted parameter).
 * @throws MastodonImageError around masto's error (`refused` set when the server refused the image: see refusalOf).
 */
export async function uploadImage(client: mastodon.rest.Client, image: AttachedImage, signal: AbortSignal): Promise<Upload> {
  const description = descriptionFor(image.alt);
  const file = new File([image.bytes], `image.${EXTENSIONS[image.mime] ?? "bin"}`, { type: image.mime });
  try {
    // masto writes an absent value as the text "undefined": the description is left out instead.
    const media = await client.v2.media.create(
      { file, ...(description ? { description } : {}), skipPolling: true },
      { requestInit: { signal } },
    );
    return { id: media.id };
  } catch (err) {
    throw new MastodonImageError("upload", err, refusalOf(err));
  }
}
