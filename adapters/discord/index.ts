/**
 * The Discord destination: posts each article as one message with a rich embed through a channel
 * webhook (Execute Webhook, `wait=true`), over undici. No bot, no library. See README.md.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifyDiscord } from "./classify.js";
import { DISCORD_SECRETS, discordConfig, type DiscordConfig } from "./config.js";
import { DISCORD_DEFAULT_TEMPLATE, discordLimits, renderDiscord, type DiscordPayload } from "./render.js";

export type { DiscordConfig } from "./config.js";
export type { DiscordEmbed, DiscordPayload } from "./render.js";

export const discordAdapter: Adapter<DiscordConfig, DiscordPayload> = {
  platform: "discord",
  description: "Posts to a Discord channel or thread through a webhook, as a rich embed linking the article.",
  config: discordConfig,
  secrets: DISCORD_SECRETS,
  // Execute Webhook takes no idempotency key (nonce is for bots' Create Message only): a send that
  // may have reached Discord is never retried blindly. Images go by URL in the embed (`image.url`,
  // fetched and shown by Discord), so there are no imageLimits: the core only finds and checks the image.
  capabilities: { idempotentSend: false, images: true, delete: true },
  // Discord documents no fixed webhook numbers ("rate limits should not be hard coded",
  // https://discord.com/developers/docs/topics/rate-limits) and answers 429 with the wait, which
  // classify reads. Observed per webhook: 5 requests per 2 s, and about 30 messages a minute per
  // channel; staying under them avoids 429s, which count toward Cloudflare's invalid-request ban.
  rateLimits: [
    { posts: 5, windowMs: 2_000 },
    { posts: 30, windowMs: 60_000 },
  ],
  defaultTemplate: DISCORD_DEFAULT_TEMPLATE,
  defaultLimits: discordLimits,
  render: renderDiscord,
  // undici loads with send.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./send.js")).connectDiscord(cfg, deps),
  classify: classifyDiscord,
};
