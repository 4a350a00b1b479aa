/**
 * The Bluesky destination: posts each article as an app.bsky.feed.post record (plain text with link
 * and hashtag facets, and a link card) through the account's PDS, logged in with an app password
 * (@atproto/api). See README.md.
 */
import { defineAdapter } from "../../src/core/index.js";
import { BLUESKY_NETWORK, classifyBluesky } from "./classify.js";
import { blueskyConfig, type BlueskyConfig } from "./config.js";
import { BLUESKY_IMAGE_LIMITS } from "./limits.js";
import { BLUESKY_DEFAULT_TEMPLATE, blueskyLimits, renderBluesky, type BlueskyPayload } from "./render.js";
import { checkAccount, deletePost, sendPost } from "./send.js";
import type { BlueskySession } from "./session.js";

export type { BlueskyConfig } from "./config.js";
export type { BlueskyPayload, BlueskyPostRecord } from "./render.js";

export const blueskyAdapter = defineAdapter<BlueskyConfig, BlueskyPayload, BlueskySession>({
  platform: "bluesky",
  displayName: "the PDS",
  description: "Posts to Bluesky (AT Protocol) as one account, with an app password: link facets and a link card with the article's image.",
  config: blueskyConfig,
  // The record key comes from the delivery (tid.ts), so a retry lands on the same record: a post
  // that may have reached the PDS can always be retried. Keys never expire.
  idempotency: "forever",
  // The article's picture is uploaded as the link card's thumbnail (thumb.ts).
  images: BLUESKY_IMAGE_LIMITS,
  // https://docs.bsky.app/docs/advanced-guides/rate-limits: repo writes cost 3 points per created
  // record, 5,000 points per hour and 35,000 per day per account.
  rateLimits: [
    { posts: 1_666, windowMs: 60 * 60_000 },
    { posts: 11_666, windowMs: 24 * 60 * 60_000 },
  ],
  defaultTemplate: BLUESKY_DEFAULT_TEMPLATE,
  defaultLimits: blueskyLimits,
  render: renderBluesky,
  classify: classifyBluesky,
  network: BLUESKY_NETWORK,
  // @atproto/api (~40 MB of lexicons) loads with session.js, at the first connect, not at import.
  // The session is resumed from the core's session store, or made by logging in.
  connect: async (cfg, deps) => (await import("./session.js")).openSession(cfg, deps),
  send: sendPost,
  check: checkAccount,
  delete: deletePost,
  // Node's shared fetch pool owns the sockets (idle ones close on their own); only pending session writes remain.
  close: (session) => session.flush(),
});
