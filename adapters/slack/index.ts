/**
 * The Slack destination: posts each article as a Block Kit section to one channel, through an
 * incoming webhook or a bot token with chat.postMessage, over the kit's JSON client. See README.md.
 */
import { defineAdapter } from "../../src/core/index.js";
import { SLACK_RETRY_NOTE, classifySlack } from "./classify.js";
import { slackConfig, type SlackConfig } from "./config.js";
import { SLACK_DEFAULT_TEMPLATE, renderSlack, slackLimits, type SlackPayload } from "./render.js";
import { checkSlack, deleteSlack, sendSlack, type SlackClient } from "./send.js";

export type { SlackConfig } from "./config.js";
export type { SlackPayload, SlackSectionBlock } from "./render.js";
export type { SlackImageElement } from "./image.js";

export const slackAdapter = defineAdapter<SlackConfig, SlackPayload, SlackClient>({
  platform: "slack",
  displayName: "Slack",
  description: "Posts to a Slack channel as a Block Kit section, via an incoming webhook or a bot token (chat.postMessage).",
  config: slackConfig,
  // No `idempotency`: neither chat.postMessage nor webhooks take a key. Images go by URL (an image
  // element that Slack fetches itself, see image.ts), in both modes: the core only finds and checks the image.
  images: "by-url",
  // https://api.slack.com/methods/chat.postMessage#rate_limiting (read 2026-11-27): "generally allows
  // an app to post 1 message per second to a specific channel"; incoming webhooks: "no more than one
  // message per second" (https://api.slack.com/apis/rate-limits). Short bursts are allowed; beyond, 429 + Retry-After.
  rateLimits: [{ posts: 1, windowMs: 1_000 }],
  defaultTemplate: SLACK_DEFAULT_TEMPLATE,
  defaultLimits: slackLimits,
  render: renderSlack,
  classify: classifySlack,
  network: { retryNote: SLACK_RETRY_NOTE },
  // undici loads with open.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./open.js")).openSlack(cfg, deps),
  send: sendSlack,
  check: checkSlack,
  // chat.delete, bot mode only: webhook posts have no ts to delete by, so a webhook connection has
  // no `delete` and the core tells the operator to remove the post by hand.
  delete: deleteSlack,
  canDelete: (client) => client.mode.kind === "bot",
  close: ({ http }) => http.close(),
});
