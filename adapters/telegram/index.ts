/**
 * The Telegram destination: posts each article to a channel, group or chat through a bot
 * (Bot API sendMessage, or sendPhoto with the article's image; HTML parse mode) with telegraf's
 * `Telegram` client. See README.md.
 */
import { defineAdapter, type ImageLimits } from "../../src/core/index.js";
import { classifyTelegram, TELEGRAM_NETWORK } from "./classify.js";
import { telegramConfig, type TelegramConfig } from "./config.js";
import { renderTelegram, TELEGRAM_DEFAULT_TEMPLATE, telegramLimits, type TelegramPayload } from "./render.js";
import { checkTelegram, deleteTelegram, sendTelegram, type TelegramClient } from "./send.js";

export type { TelegramConfig } from "./config.js";
export type { TelegramMessagePayload, TelegramPayload, TelegramPhotoPayload } from "./render.js";

/**
 * https://core.telegram.org/bots/api#sendphoto (read 2026-12-06): "The photo must be at most 10 MB
 * in size. The photo's width and height must not exceed 10000 in total. Width and height ratio must
 * be at most 20." 5000×5000 keeps width + height within 10000 (ImageLimits has no sum); a ratio over
 * 20 is refused by Telegram (PHOTO_INVALID_DIMENSIONS) and the post goes out as text. Photos are
 * re-encoded by Telegram; JPEG, PNG and WebP upload as photos (GIFs are re-encoded to JPEG here).
 */
export const TELEGRAM_IMAGE_LIMITS: ImageLimits = { maxBytes: 10 * 1024 * 1024, maxWidth: 5000, maxHeight: 5000, formats: ["jpeg", "png", "webp"] };

export const telegramAdapter = defineAdapter<TelegramConfig, TelegramPayload, TelegramClient>({
  platform: "telegram",
  displayName: "the Telegram Bot API",
  description: "Posts to a Telegram channel, group or chat through a bot (Bot API sendMessage / sendPhoto, HTML).",
  config: telegramConfig,
  // No `idempotency`: sendMessage takes no key, so a send that may have reached Telegram is never
  // retried blindly. Images go natively with sendPhoto (the bytes uploaded, the post as its caption).
  images: TELEGRAM_IMAGE_LIMITS,
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
  classify: classifyTelegram,
  network: TELEGRAM_NETWORK,
  // telegraf loads with open.js, at the first connect, not at import.
  connect: async (cfg) => (await import("./open.js")).openTelegram(cfg),
  send: sendTelegram,
  check: checkTelegram,
  delete: deleteTelegram,
  close: async ({ agent }) => agent.destroy(),
});
