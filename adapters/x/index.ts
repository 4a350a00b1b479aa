/**
 * The X destination: posts through the X API v2 (`POST /2/tweets`) as one account, with OAuth 1.0a
 * user-context tokens (twitter-api-v2). See README.md for setting up the app and the limits.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifyX } from "./classify.js";
import { X_SECRETS, xConfig, type XConfig } from "./config.js";
import { X_IMAGE_LIMITS } from "./limits.js";
import { X_DEFAULT_TEMPLATE, renderX, xLimits, type XPayload } from "./render.js";

export type { XConfig } from "./config.js";
export type { XPayload } from "./render.js";

export const xAdapter: Adapter<XConfig, XPayload> = {
  platform: "x",
  description: "Posts to X (Twitter) via API v2 as one account (OAuth 1.0a user tokens).",
  config: xConfig,
  secrets: X_SECRETS,
  // X takes no idempotency key: a send that may have reached it is never retried blindly.
  // Images are uploaded and attached natively (media.ts); the post text keeps its link.
  capabilities: { idempotentSend: false, images: true, delete: true },
  imageLimits: X_IMAGE_LIMITS,
  // POST /2/tweets: 100 requests per 15 minutes per user, 10,000 per 24 hours per app
  // (https://docs.x.com/x-api/fundamentals/rate-limits). Lower plan caps arrive as 429s with
  // x-user-limit-24hour-reset, which pause the destination until then.
  rateLimits: [
    { posts: 100, windowMs: 15 * 60_000 },
    { posts: 10_000, windowMs: 24 * 60 * 60_000 },
  ],
  defaultTemplate: X_DEFAULT_TEMPLATE,
  defaultLimits: xLimits,
  render: renderX,
  // twitter-api-v2 loads with send.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./send.js")).connectX(cfg, deps),
  classify: classifyX,
};
