/** What an attached image may be: pure data, kept apart from media.ts so that the adapter loads no SDK at import. */
import type { ImageLimits } from "../../src/core/index.js";

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
