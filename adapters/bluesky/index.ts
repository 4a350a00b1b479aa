/**
 * The Bluesky destination: posts each article as an app.bsky.feed.post record (plain text with link
 * and hashtag facets, and a link card) through the account's PDS, logged in with an app password
 * (@atproto/api). See README.md.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifyBluesky } from "./classify.js";
import { BLUESKY_SECRETS, blueskyConfig, type BlueskyConfig } from "./config.js";
import { BLUESKY_IMAGE_LIMITS } from "./limits.js";
import { BLUESKY_DEFAULT_TEMPLATE, blueskyLimits, renderBluesky, type BlueskyPayload } from "./render.js";

export type { BlueskyConfig } from "./config.js";
export type { BlueskyPayload, BlueskyPostRecord } from "./render.js";

export const blueskyAdapter: Adapter<BlueskyConfig, BlueskyPayload> = {
  platform: "bluesky",
  description: "Posts to Bluesky (AT Protocol) as one account, with an app password: link facets and a link card with the article's image.",
  config: blueskyConfig,
  secrets: BLUESKY_SECRETS,
  // The record key comes from the delivery (tid.ts), so a retry lands on the same record: a post
  // that may have reached the PDS can always be retried. Keys never expire.
  // Images: the article's picture is uploaded as the link card's thumbnail (thumb.ts).
  capabilities: { idempotentSend: true, images: true, delete: true },
  // https://docs.bsky.app/docs/advanced-guides/rate-limits: repo writes cost 3 points per created
  // record, 5,000 points per hour and 35,000 per day per account.
  rateLimits: [
    { posts: 1_666, windowMs: 60 * 60_000 },
    { posts: 11_666, windowMs: 24 * 60 * 60_000 },
  ],
  imageLimits: BLUESKY_IMAGE_LIMITS,
  defaultTemplate: BLUESKY_DEFAULT_TEMPLATE,
  defaultLimits: blueskyLimits,
  render: renderBluesky,
  // @atproto/api (~40 MB of lexicons) loads with send.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./send.js")).connectBluesky(cfg, deps),
  classify: classifyBluesky,
};
