/**
 * The Mastodon destination: posts each article as a status of one account (`POST /api/v1/statuses`,
 * with an Idempotency-Key) through masto's REST client, with the article's image uploaded natively
 * (`POST /api/v2/media`). See README.md.
 */
import { defineAdapter } from "../../src/core/index.js";
import { MASTODON_NETWORK, classifyMastodon } from "./classify.js";
import { mastodonConfig, type MastodonConfig } from "./config.js";
import { MASTODON_IMAGE_LIMITS } from "./media.js";
import { MASTODON_DEFAULT_TEMPLATE, mastodonLimits, renderMastodon, type MastodonPayload } from "./render.js";
import { checkAccount, deleteStatus, sendStatus, type MastodonClient } from "./send.js";

export type { MastodonConfig } from "./config.js";
export type { MastodonPayload } from "./render.js";

export const mastodonAdapter = defineAdapter<MastodonConfig, MastodonPayload, MastodonClient>({
  platform: "mastodon",
  displayName: "the Mastodon server",
  description: "Posts to a Mastodon account as statuses with the article's image (REST API, with an Idempotency-Key on every post).",
  config: mastodonConfig,
  // https://docs.joinmastodon.org/methods/statuses/#create: "Idempotency keys are stored for up to
  // 1 hour" (PostStatusService: redis.setex(…, 3_600, status.id)). A send that may have reached the
  // server is retried with the same key within that hour; later, it is held like any other.
  idempotency: { ttlMs: 3_600_000 },
  images: MASTODON_IMAGE_LIMITS,
  // app/lib/rate_limiter.rb, family :statuses: 300 statuses per 3 hours per account (not in the
  // docs). https://docs.joinmastodon.org/api/rate-limits/ adds 300 API calls per 5 minutes per
  // account, which posting within the 3-hour budget cannot exceed.
  // Uploads have their own budget, 30 per 30 minutes (/api/rate-limits/ "Uploading"); it is not
  // declared here, as it would hold posts without images too: a 429 on the upload is waited out.
  rateLimits: [{ posts: 300, windowMs: 3 * 3_600_000 }],
  defaultTemplate: MASTODON_DEFAULT_TEMPLATE,
  defaultLimits: mastodonLimits,
  render: renderMastodon,
  classify: classifyMastodon,
  network: MASTODON_NETWORK,
  // masto loads with open.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./open.js")).openMastodon(cfg, deps),
  limits: (client) => client.limits,
  send: sendStatus,
  check: checkAccount,
  delete: deleteStatus,
});
