/**
 * The Discord destination: posts each article as one message with a rich embed through a channel
 * webhook (Execute Webhook, `wait=true`), over the kit's JSON client. No bot, no library. See README.md.
 */
import { defineAdapter } from "../../src/core/index.js";
import { DISCORD_RETRY_NOTE, classifyDiscord, redactWebhook } from "./classify.js";
import { discordConfig, type DiscordConfig } from "./config.js";
import { DISCORD_DEFAULT_TEMPLATE, discordLimits, renderDiscord, type DiscordPayload } from "./render.js";
import { checkDiscord, deleteDiscord, sendDiscord, type DiscordClient } from "./send.js";

export type { DiscordConfig } from "./config.js";
export type { DiscordEmbed, DiscordPayload } from "./render.js";

export const discordAdapter = defineAdapter<DiscordConfig, DiscordPayload, DiscordClient>({
  platform: "discord",
  displayName: "Discord",
  description: "Posts to a Discord channel or thread through a webhook, as a rich embed linking the article.",
  config: discordConfig,
  // No `idempotency`: Execute Webhook takes no key (nonce is for bots' Create Message only), so a
  // send that may have reached Discord is never retried blindly. Images go by URL in the embed
  // (`image.url`, fetched and shown by Discord): the core only finds and checks the image.
  images: "by-url",
  // Discord documents no fixed webhook numbers ("rate limits should not be hard coded",
  // https://discord.com/developers/docs/topics/rate-limits, read 2026-05-13) and answers 429 with the
  // wait, which classify reads. Observed per webhook: 5 requests per 2 s, and about 30 messages a
  // minute per channel; staying under them avoids 429s, which count toward Cloudflare's invalid-request ban.
  rateLimits: [
    { posts: 5, windowMs: 2_000 },
    { posts: 30, windowMs: 60_000 },
  ],
  defaultTemplate: DISCORD_DEFAULT_TEMPLATE,
  defaultLimits: discordLimits,
  render: renderDiscord,
  classify: classifyDiscord,
  network: { retryNote: DISCORD_RETRY_NOTE, redact: redactWebhook },
  // undici loads with open.js, at the first connect, not at import.
  connect: async (cfg, deps) => (await import("./open.js")).connectDiscord(cfg, deps),
  send: sendDiscord,
  check: checkDiscord,
  delete: deleteDiscord,
  close: ({ http }) => http.close(),
});
