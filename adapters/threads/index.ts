/**
 * The Threads destination: each article as a Threads post, made in two steps (a media container,
 * then `threads_publish`), resumable from the checkpointed container. A text post carries the
 * article as its link preview card; an image post carries the image, which Threads fetches by URL,
 * and the link in its text. See README.md.
 */
import type { ImageLimits } from "../../src/core/index.js";
import { defineAdapter } from "../../src/core/index.js";
import { THREADS_NETWORK, classifyThreads } from "./classify.js";
import { threadsConfig, type ThreadsConfig } from "./config.js";
import type { ThreadsClient } from "./open.js";
import { THREADS_DEFAULT_TEMPLATE, renderThreads, threadsLimits, type ThreadsPayload } from "./render.js";
import { checkThreads, deleteThreads, parseCheckpoint, sendThreads } from "./send.js";

export type { ThreadsConfig } from "./config.js";
export type { ThreadsPayload } from "./render.js";

/**
 * "Image Specifications" (https://developers.facebook.com/documentation/threads/posts, updated Apr 14,
 * 2026): "JPEG and PNG image types are the officially supported formats", "8 MB maximum", "Aspect
 * Ratio Limit: 10:1", "Minimum Width: 320 (will be scaled up …)", "Maximum Width: 1440 (will be scaled
 * down …)", "Height: Varies (depending on width and aspect ratio)". 8 MB read as 8,000,000 bytes (the
 * smaller reading); the tallest image is 1440 × 14400 (10:1 standing up). Threads fetches the image
 * itself ("We will cURL your image using the URL provided so it must be on a public server").
 */
export const THREADS_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 8_000_000,
  maxWidth: 1440,
  maxHeight: 14_400,
  minWidth: 320,
  formats: ["jpeg", "png"],
  aspectRatio: { min: 0.1, max: 10 },
  delivery: "pull",
};

export const threadsAdapter = defineAdapter<ThreadsConfig, ThreadsPayload, ThreadsClient>({
  platform: "threads",
  displayName: "Threads",
  description: "Posts to a Threads profile: a text post with the article as its link preview, or an image post (Threads API, container then publish).",
  config: threadsConfig,
  // Threads takes no idempotency key, but a send that stopped after the container was checkpointed
  // can run again without posting twice: the next send reads that container's status first and
  // publishes only a FINISHED one; PUBLISHED means done (the post is looked up), EXPIRED was never
  // published. See README.md, "How a post is sent (and resumed)".
  resumesFrom: (checkpoint) => parseCheckpoint(checkpoint) !== null,
  images: THREADS_IMAGE_LIMITS,
  // "Threads profiles are limited to 250 API-published posts within a 24-hour moving period"
  // (https://developers.facebook.com/docs/threads/overview). send also reads the quota before posting.
  rateLimits: [{ posts: 250, windowMs: 86_400_000 }],
  defaultTemplate: THREADS_DEFAULT_TEMPLATE,
  defaultLimits: threadsLimits,
  render: renderThreads,
  classify: classifyThreads,
  network: THREADS_NETWORK,
  connect: async (cfg, deps) => (await import("./open.js")).openThreads(cfg, deps),
  send: sendThreads,
  check: checkThreads,
  // "The Delete endpoint has a rate limit of 100 deletes per day per account" (/docs/threads/posts/delete-posts).
  delete: deleteThreads,
  close: ({ http }) => http.close(),
});
