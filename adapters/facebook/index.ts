/**
 * The Facebook Page destination: each article as a link post on the Page's feed (Facebook builds
 * the preview from the article's Open Graph tags), or as a photo post with the image by URL, over
 * the Graph API with a Page access token. See README.md.
 */
import { defineAdapter } from "../../src/core/kit/define-adapter.js";
import { checkFacebook } from "./check.js";
import { classifyFacebook, redactFacebook } from "./classify.js";
import { facebookConfig, type FacebookConfig } from "./config.js";
import { FACEBOOK_DEFAULT_TEMPLATE, facebookLimits, renderFacebook, type FacebookPayload } from "./render.js";
import { deleteFacebook, sendFacebook, type FacebookClient } from "./send.js";

export type { FacebookConfig } from "./config.js";
export type { FacebookPayload } from "./render.js";

export const facebookAdapter = defineAdapter<FacebookConfig, FacebookPayload, FacebookClient>({
  platform: "facebook",
  displayName: "Facebook",
  description: "Posts to a Facebook Page as link posts (preview from the article's Open Graph tags) or photo posts, through the Graph API with a Page access token.",
  config: facebookConfig,
  // POST /{page-id}/photos takes `url`: Facebook fetches the image itself (Page Posts guide).
  images: "by-url",
  // Meta publishes no posting rate for Pages. The Page's calls made with a Page token are limited
  // to "4800 * Number of Engaged Users" per rolling 24 hours (Rate Limits,
  // https://developers.facebook.com/docs/graph-api/overview/rate-limiting, "Pages"), so a Page with
  // one engaged user a day has 4800 calls. Crier stays far below (200 posts a day, a call or two
  // each), and spaces posts by 10 s, as the page's best practice asks ("Spread out queries evenly
  // to avoid traffic spikes") and a burst of posts is what policy blocks (368) follow.
  rateLimits: [
    { posts: 1, windowMs: 10_000 },
    { posts: 200, windowMs: 24 * 3_600_000 },
  ],
  defaultTemplate: FACEBOOK_DEFAULT_TEMPLATE,
  defaultLimits: facebookLimits,
  render: renderFacebook,
  classify: classifyFacebook,
  network: { retryNote: "Facebook takes no idempotency key", redact: redactFacebook },
  connect: async (cfg, deps) => (await import("./client.js")).openFacebook(cfg, deps),
  send: sendFacebook,
  check: checkFacebook,
  delete: deleteFacebook,
  close: ({ http }) => http.close(),
});
