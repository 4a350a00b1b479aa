/** What an attached image may be: pure data, kept apart from media.ts so that the adapter loads no SDK at import. */
import type { ImageLimits } from "../../src/core/index.js";

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
