/**
 * The LinkedIn destination: each article as an article post (Posts API) of a member or of a
 * LinkedIn Page, with a thumbnail uploaded through the Images API. See README.md.
 */
import { defineAdapter, type ImageLimits } from "../../src/core/index.js";
import { checkLinkedIn } from "./check.js";
import { classifyLinkedIn } from "./classify.js";
import type { LinkedInClient } from "./client.js";
import { linkedinConfig, type LinkedInConfig } from "./config.js";
import { LINKEDIN_DEFAULT_TEMPLATE, linkedinLimits, renderLinkedIn, type LinkedInPayload } from "./render.js";
import { deleteLinkedIn, sendLinkedIn } from "./send.js";

export type { LinkedInConfig } from "./config.js";
export type { LinkedInPayload } from "./render.js";

/**
 * "Images with less than 36,152,320 pixels. JPG, GIF, and PNG formats"
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api):
 * 6,012² is under that. No byte limit is given there (unconfirmed); 5 MB is what a vendor
 * documents for LinkedIn images (https://ayrshare.com/docs/media-guidelines/linkedin) and is
 * ample for a thumbnail.
 */
export const LINKEDIN_IMAGE_LIMITS: ImageLimits = { maxBytes: 5_000_000, maxWidth: 6_012, maxHeight: 6_012, formats: ["jpeg", "png", "gif"], delivery: "upload" };

export const linkedinAdapter = defineAdapter<LinkedInConfig, LinkedInPayload, LinkedInClient>({
  platform: "linkedin",
  displayName: "LinkedIn",
  description: "Posts each article to a LinkedIn member or Page as an article post (Posts API) with an uploaded thumbnail.",
  config: linkedinConfig,
  images: LINKEDIN_IMAGE_LIMITS,
  // "Rate limits specify the maximum number of API calls that can be made in a 24 hour period.
  // These limits reset at midnight UTC" and "are not published in documentation"
  // (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits). 150 calls a
  // day per member is the figure reported for Share on LinkedIn (unconfirmed): kept as a ceiling.
  rateLimits: [{ posts: 150, windowMs: 86_400_000 }],
  defaultTemplate: LINKEDIN_DEFAULT_TEMPLATE,
  defaultLimits: linkedinLimits,
  render: renderLinkedIn,
  classify: classifyLinkedIn,
  network: { retryNote: "the Posts API takes no idempotency key" },
  // undici loads with client.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./client.js")).openLinkedIn(cfg, deps),
  send: sendLinkedIn,
  check: checkLinkedIn,
  delete: deleteLinkedIn,
  close: (client) => client.close(),
});
