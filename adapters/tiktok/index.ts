/**
 * The TikTok destination: each article as a photo post (Content Posting API, media_type PHOTO,
 * pulled from a URL under the domain verified for the app). MEDIA_UPLOAD (default) leaves a draft
 * in the creator's inbox for a person to finish; DIRECT_POST publishes. See README.md.
 */
import { defineAdapter } from "../../src/core/kit/define-adapter.js";
import type { TikTokClient } from "./api.js";
import { checkTikTok } from "./check.js";
import { classifyTikTok } from "./classify.js";
import { imageHostProblem, tiktokConfig, type TikTokConfig } from "./config.js";
import { renderTikTok, TIKTOK_DEFAULT_TEMPLATE, tiktokLimits, type TikTokPayload } from "./render.js";
import { readCheckpoint, sendTikTok } from "./send.js";

export { imageHostProblem, type TikTokConfig } from "./config.js";
export type { TikTokPayload } from "./render.js";

/**
 * https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (snapshot fetched
 * 2026-09-11), "Image restrictions": "WebP, JPEG", "Maximum 1080p", "Maximum of 20MB for each image";
 * pulled from a URL ("Pull from URL"), so the core hands `ctx.image.publicUrl`. "1080p" is read
 * as 1080 wide and 1920 high (a portrait phone screen), as TikTok's own refusal words it
 * ("Picture must not exceed 1080x1920", observed); a landscape picture is scaled to 1080 wide.
 */
export const TIKTOK_IMAGE_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxWidth: 1080,
  maxHeight: 1920,
  formats: ["jpeg", "webp"],
  delivery: "pull",
} as const;

export const tiktokAdapter = defineAdapter<TikTokConfig, TikTokPayload, TikTokClient>({
  platform: "tiktok",
  displayName: "TikTok",
  description: "Posts each article to TikTok as a photo post: a draft in the creator's inbox (MEDIA_UPLOAD, default) or published (DIRECT_POST).",
  config: tiktokConfig,
  // The init takes no idempotency key, but a send that stopped with the publish_id saved can run
  // again without posting twice: the next send asks TikTok for that publish's status and inits
  // again only after a FAILED one (replacing the checkpoint first). See README.md, "How a send goes".
  resumesFrom: (checkpoint) => readCheckpoint(checkpoint) !== null,
  images: { ...TIKTOK_IMAGE_LIMITS, formats: [...TIKTOK_IMAGE_LIMITS.formats] },
  // Photo-post reference: "Each user access_token is limited to six requests per minute" (init).
  // The 5-pending-drafts cap depends on a person finishing drafts: classify answers it (rate-limited, 1 h).
  rateLimits: [{ posts: 6, windowMs: 60_000 }],
  defaultTemplate: TIKTOK_DEFAULT_TEMPLATE,
  defaultLimits: tiktokLimits,
  render: renderTikTok,
  classify: classifyTikTok,
  network: { retryNote: "TikTok's init takes no idempotency key" },
  connect: async (cfg, deps) => (await import("./open.js")).openTikTok(cfg, deps),
  send: sendTikTok,
  check: checkTikTok,
  close: ({ http }) => http.close(),
  // TikTok pulls only from the domain or URL prefix verified for the app: the core hands the
  // article's own picture URL only when it is under it, else the public listener's.
  imageUrlProblem: imageHostProblem,
  validate: (cfg, { mediaUrl }) => {
    const problem = mediaUrl === null ? null : imageHostProblem(mediaUrl, cfg);
    return problem
      ? [`TikTok would not pull the pictures Crier fits and serves at ${mediaUrl}: ${problem}. Verify that domain (or a URL prefix covering it) for the app in the TikTok developer portal and write it in verifiedDomain; until then only article pictures already under verifiedDomain, in TikTok's formats and sizes, can be posted (else fallbackImageUrl, or the article is skipped).`]
      : [];
  },
});
