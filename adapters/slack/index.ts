/**
 * The Slack destination: posts each article as a Block Kit section to one channel, through an
 * incoming webhook or a bot token with chat.postMessage. See README.md.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifySlack } from "./classify.js";
import { SLACK_SECRETS, slackConfig, type SlackConfig } from "./config.js";
import { SLACK_DEFAULT_TEMPLATE, renderSlack, slackLimits, type SlackPayload } from "./render.js";

export type { SlackConfig } from "./config.js";
export type { SlackPayload, SlackSectionBlock } from "./render.js";
export type { SlackImageElement } from "./image.js";

export const slackAdapter: Adapter<SlackConfig, SlackPayload> = {
  platform: "slack",
  description: "Posts to a Slack channel as a Block Kit section, via an incoming webhook or a bot token (chat.postMessage).",
  config: slackConfig,
  secrets: SLACK_SECRETS,
  // Neither chat.postMessage nor webhooks take an idempotency key. Capabilities are static:
  // delete is true for bot mode (chat.delete); a webhook connection has no `delete`, and the core
  // then tells the operator to remove the post by hand. Images go by URL (an image element that
  // Slack fetches itself, see image.ts), in both modes: no imageLimits, the core only finds and checks the image.
  capabilities: { idempotentSend: false, images: true, delete: true },
  // https://api.slack.com/methods/chat.postMessage#rate_limiting: "generally allows an app to post
  // 1 message per second to a specific channel"; incoming webhooks: "no more than one message per
  // second" (https://api.slack.com/apis/rate-limits). Short bursts are allowed; beyond, 429 + Retry-After.
  rateLimits: [{ posts: 1, windowMs: 1_000 }],
  defaultTemplate: SLACK_DEFAULT_TEMPLATE,
  defaultLimits: slackLimits,
  render: renderSlack,
  // undici loads with send.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./send.js")).connectSlack(cfg, deps),
  classify: classifySlack,
};
