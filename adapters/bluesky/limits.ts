/** What an attached image may be: pure data, kept apart from thumb.ts so that the adapter loads no SDK at import. */
import type { ImageLimits } from "../../src/core/index.js";

/**
 * Lexicon app.bsky.embed.external#external, `thumb`: `{"type": "blob", "accept": ["image/*"],
 * "maxSize": 1000000}` (https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/external.json);
 * the PDS refuses a larger one when the post is written ("blob too big (maximum 1000000, …)").
 * The lexicon sets no pixel limit: 2000×2000 is our choice, more than a card shows and small enough
 * for a JPEG to fit the bytes without heavy compression. JPEG and PNG: what every client displays.
 */
export const BLUESKY_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 1_000_000,
  maxWidth: 2000,
  maxHeight: 2000,
  formats: ["jpeg", "png"],
};
