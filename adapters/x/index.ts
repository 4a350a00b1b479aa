/**
 * The X destination: posts through the X API v2 (`POST /2/tweets`) as one account, with OAuth 1.0a
 * user-context tokens (twitter-api-v2). See README.md for setting up the app and the limits.
 */
import { defineAdapter } from "../../src/core/index.js";
import { X_NETWORK, classifyX } from "./classify.js";
import { xConfig, type XConfig } from "./config.js";
import { X_IMAGE_LIMITS } from "./media.js";
import { X_DEFAULT_TEMPLATE, renderX, xLimits, type XPayload } from "./render.js";
import { checkAccount, deletePost, sendPost, type XClient } from "./send.js";

export type { XConfig } from "./config.js";
export type { XPayload } from "./render.js";

export const xAdapter = defineAdapter<XConfig, XPayload, XClient>({
  platform: "x",
  displayName: "X",
  description: "Posts to X (Twitter) via API v2 as one account (OAuth 1.0a user tokens).",
  config: xConfig,
  // No `idempotency`: X takes no idempotency key, so a send that may have reached it is never retried blindly.
  // Images are uploaded and attached natively (media.ts); the post text keeps its link.
  images: X_IMAGE_LIMITS,
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
  classify: classifyX,
  network: X_NETWORK,
  // twitter-api-v2 loads with client.js, at the first connect, not at import.
  connect: async (cfg) => (await import("./client.js")).createXClient(cfg),
  send: sendPost,
  check: checkAccount,
  delete: deletePost,
  close: (client) => client.close(),
});
