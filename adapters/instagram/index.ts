/**
 * The Instagram destination: publishes each article to an Instagram professional account as an
 * image post with a caption, through the Instagram API with Instagram Login (graph.instagram.com):
 * a container pulls the image from a URL, then it is published. See README.md.
 */
import { defineAdapter, type ImageLimits } from "../../src/core/index.js";
import { classifyInstagram, redactTokens } from "./classify.js";
import { instagramConfig, type InstagramConfig } from "./config.js";
import { INSTAGRAM_DEFAULT_TEMPLATE, instagramLimits, renderInstagram, type InstagramPayload } from "./render.js";
import { checkInstagram, sendInstagram, type InstagramClient } from "./send.js";
import { parseCheckpoint } from "./resume.js";

export type { InstagramConfig } from "./config.js";
export type { InstagramPayload } from "./render.js";

/**
 * IG User Media reference (Markdown served 2026-09-11, .../reference/ig-user/media), feed images:
 * "Format: JPEG"; "File size: 8 MB maximum" (8,000,000 bytes: under both 8 MB and the error table's
 * "less than 8 MiB"); "Aspect ratio: Must be within a 4:5 to 1.91:1 range"; width 320 minimum and 1440
 * maximum (Instagram would scale, the issue asks Crier to fit); height follows (1440 / 0.8 = 1800).
 * Cropped, not padded: see README.md. Pulled: Instagram fetches `image_url` itself.
 */
export const INSTAGRAM_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 8_000_000,
  maxWidth: 1440,
  minWidth: 320,
  maxHeight: 1800,
  formats: ["jpeg"],
  aspectRatio: { min: 0.8, max: 1.91 },
  fit: "crop",
  delivery: "pull",
};

/** [IG User Media] "Containers expire after 24 hours." */
export const CONTAINER_LIFETIME_MS = 24 * 3_600_000;

export const instagramAdapter = defineAdapter<InstagramConfig, InstagramPayload, InstagramClient>({
  platform: "instagram",
  displayName: "Instagram",
  description: "Publishes to an Instagram professional account as an image post with a caption (Instagram API with Instagram Login: container, then publish; articles without an image are skipped).",
  config: instagramConfig,
  // Instagram takes no idempotency key (so none is declared), but a send that stopped after the
  // container was checkpointed can run again without posting twice: the next send reads that
  // container's status first and publishes only a FINISHED one; PUBLISHED means done, and EXPIRED
  // ("not published within 24 hours", IG Container) or ERROR were never published. See README.md.
  resumesFrom: (checkpoint) => parseCheckpoint(checkpoint) !== null,
  images: INSTAGRAM_IMAGE_LIMITS,
  // None declared: the publishing quota is read from the API before every post (Meta's pages give
  // 50 and 100 per 24 hours: IG User Media Publish vs the Content Publishing guide).
  rateLimits: [],
  defaultTemplate: INSTAGRAM_DEFAULT_TEMPLATE,
  defaultLimits: instagramLimits,
  render: renderInstagram,
  classify: classifyInstagram,
  network: { retryNote: "the next attempt reads the container's status first", redact: redactTokens },
  connect: async (cfg, deps) => (await import("./open.js")).openInstagram(cfg, deps),
  send: sendInstagram,
  check: checkInstagram,
  close: ({ http }) => http.close(),
});
