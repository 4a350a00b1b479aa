import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/**
 * The Instagram API with Instagram Login lives on graph.instagram.com (IG Container reference,
 * "Updated: Jul 23, 2024", Requirements → Host URL:
 * https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container).
 */
export const INSTAGRAM_API_BASE = "https://graph.instagram.com";

/**
 * Instagram's paths carry a Graph API version ("`{api-version}`: API version", linking to the Graph
 * API versioning guide: IG User Media Publish, Markdown served 2026-09-11). v27.0 is the newest:
 * "Introducing Graph API v27.0" (https://developers.facebook.com/blog/post/2026/11/04/introducing-graph-api-v27-and-marketing-api-v27/,
 * 4 Nov 2026); the versions table (https://developers.facebook.com/documentation/development/graph-api/changelog,
 * "Updated: Oct 29, 2026") lists its end as TBD, later than any older version's. "Upgrading to the
 * latest available version maximizes the time between upgrades" (https://developers.facebook.com/docs/apps/upgrading).
 */
export const INSTAGRAM_API_VERSION = "v27.0";

/** What stands in for the link: captions do not make links clickable. */
export const DEFAULT_LINK_LINE = "Link in bio";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts).
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export const instagramConfig = z
  .object({
    userId: z
      .string()
      .regex(/^[0-9]{5,32}$/, "must be the Instagram professional account id (digits; `user_id` from GET /me), quoted in YAML")
      .register(z.globalRegistry, { description: "Instagram professional account id (`user_id` of GET /me, the <IG_ID> in the publishing paths). Quote it in YAML: ids are too long for a YAML number." }),
    accessToken: z
      .string()
      .refine((v) => ENV_REF.test(v) || /^\S{20,}$/.test(v), "must be an Instagram User access token (no spaces), or a ${ENV} reference")
      .register(z.globalRegistry, { ...SECRET, description: "Long-lived Instagram User access token (60 days) with instagram_business_basic and instagram_business_content_publish, e.g. ${INSTAGRAM_TOKEN}. Crier refreshes it before it lapses and keeps the refreshed one in its credential store. Secret." }),
    linkLine: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .refine((v) => !/\{(?!link\})[A-Za-z_][A-Za-z0-9_]*\}/.test(v), "may contain only the {link} placeholder")
      .default(DEFAULT_LINK_LINE)
      .register(z.globalRegistry, { description: 'The line put where the template says {link}: links in captions are not clickable. Default "Link in bio"; "{link}" inside it is replaced by the article URL (e.g. "Read more: {link}").' }),
    refreshDaysBeforeExpiry: z
      .number()
      .int()
      .min(1)
      .max(59)
      .default(14)
      .register(z.globalRegistry, { description: "Refresh the token once it is within this many days of its 60-day expiry (1-59; a token can be refreshed once it is 24 hours old)." }),
    apiVersion: z
      .string()
      .regex(/^v[0-9]{1,3}\.[0-9]$/, 'must be a Graph API version like "v27.0"')
      .default(INSTAGRAM_API_VERSION)
      .register(z.globalRegistry, { description: `Graph API version in every path (default ${INSTAGRAM_API_VERSION}).` }),
    apiBase: z
      .url({ protocol: /^https?$/ })
      .default(INSTAGRAM_API_BASE)
      .register(z.globalRegistry, { description: "API root; change only for a proxy or a test double." }),
  })
  .strict();

export type InstagramConfig = z.infer<typeof instagramConfig>;
