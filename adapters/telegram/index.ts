/**
 * The Telegram destination: posts each article to a channel, group or chat through a bot
 * (Bot API sendMessage, HTML parse mode) with telegraf's `Telegram` client. See README.md.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifyTelegram } from "./classify.js";
import { telegramConfig, type TelegramConfig } from "./config.js";
import { renderTelegram, TELEGRAM_DEFAULT_TEMPLATE, telegramLimits, type TelegramPayload } from "./render.js";
import { connectTelegram } from "./send.js";

export type { TelegramConfig } from "./config.js";
export type { TelegramPayload } from "./render.js";

export const telegramAdapter: Adapter<TelegramConfig, TelegramPayload> = {
  platform: "telegram",
  description: "Posts to a Telegram channel, group or chat through a bot (Bot API sendMessage, HTML).",
  config: telegramConfig,
  secrets: ["botToken"],
  // sendMessage takes no idempotency key: a send that may have reached Telegram is never retried blindly.
  capabilities: { idempotentSend: false, images: false, delete: true },
  // https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: "avoid sending
  // more than one message per second" to one chat; "not able to send more than 20 messages per
  // minute to the same group". Beyond them Telegram answers 429 with retry_after.
  rateLimits: [
    { posts: 1, windowMs: 1_000 },
    { posts: 20, windowMs: 60_000 },
  ],
  defaultTemplate: TELEGRAM_DEFAULT_TEMPLATE,
  defaultLimits: telegramLimits,
  render: renderTelegram,
  connect: connectTelegram,
  classify: classifyTelegram,
};
