import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/** https://core.telegram.org/bots/api#sendmessage: "Text of the message to be sent, 1-4096 characters after entities parsing". */
export const TELEGRAM_MAX_LENGTH = 4096;
/** https://core.telegram.org/bots/api#sendphoto: caption "0-1024 characters after entities parsing". */
export const TELEGRAM_MAX_CAPTION = 1024;

// https://core.telegram.org/bots/api#authorizing-your-bot: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11".
const TOKEN = /^\d+:[A-Za-z0-9_-]+$/;
// The core validates the structure before it resolves `${ENV}` (src/config/load.ts), so a field
// that may hold a reference has to accept one; the second pass sees the resolved value.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
// https://core.telegram.org/bots/api#sendmessage chat_id: "@channelusername"; usernames are 5-32 of a-z, 0-9, _.
const USERNAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;
const NUMERIC = /^-?\d{1,16}$/;

export const telegramConfig = z
  .object({
    botToken: z
      .string()
      .refine((v) => TOKEN.test(v) || ENV_REF.test(v), "must be a bot token like 123456:ABC-DEF… from @BotFather (or a ${ENV} reference)")
      .register(z.globalRegistry, { ...SECRET, description: "Bot token from @BotFather, e.g. ${TELEGRAM_BOT_TOKEN}. Secret: masked in logs and printouts." }),
    chatId: z
      .union([
        z.number().int(),
        z.string().regex(NUMERIC).transform(Number),
        z.string().regex(USERNAME),
        z.string().regex(ENV_REF),
      ])
      .register(z.globalRegistry, { description: 'Target chat: numeric id (channels and supergroups start with -100) or "@channelusername" of a public channel.' }),
    apiBase: z
      .url({ protocol: /^https?$/ })
      .default("https://api.telegram.org")
      .register(z.globalRegistry, { description: "Bot API server; change only for a local Bot API server or a test double." }),
    linkPreview: z.boolean().default(true).register(z.globalRegistry, { description: "Show the article's link preview under the post." }),
    disableNotification: z.boolean().default(false).register(z.globalRegistry, { description: "Post silently: followers get no sound." }),
    longCaption: z
      .enum(["short-caption", "text-with-preview"])
      .default("short-caption")
      .register(z.globalRegistry, {
        description: 'When an article has an image and its post is longer than a photo caption allows (1024 characters): "short-caption" sends the photo with the post shortened to fit; "text-with-preview" sends the full post as a text message with the link preview instead of the photo.',
      }),
    // No maxLength here: the destination's common `maxLength` tightens the 4096 limit, and the core
    // strips common keys before this schema sees the destination.
  })
  .strict();

export type TelegramConfig = z.infer<typeof telegramConfig>;
