/**
 * The Bot API calls of a connected client: sendMessage or sendPhoto, getMe, deleteMessage. Imports
 * telegraf's types only (open.ts loads it); telegraf's errors are let through for `classify`.
 */
import type { Agent } from "node:http";
import type { Input, Telegram } from "telegraf";
import type { AttachedImage, SendContext, SentPost } from "../../src/core/index.js";
import { photoRefusal, TelegramPhotoRefused } from "./classify.js";
import type { TelegramConfig } from "./config.js";
import type { TelegramMessagePayload, TelegramPayload, TelegramPhotoPayload } from "./render.js";

/** What `connect` opens (open.ts): telegraf's client, its `Input` (uploads), and the agent close() releases. */
export interface TelegramClient {
  telegram: Telegram;
  input: typeof Input;
  agent: Agent;
  cfg: TelegramConfig;
}

/** The payload as #sendmessage fields. Pure. */
export function sendMessageParams(payload: TelegramMessagePayload) {
  const { isDisabled, url } = payload.linkPreview;
  return {
    chat_id: payload.chatId,
    text: payload.text,
    parse_mode: payload.parseMode,
    // #linkpreviewoptions (Bot API 7.0): `url` picks the preview, so it is the article's even when
    // the text has other links first.
    link_preview_options: isDisabled || !url ? { is_disabled: isDisabled } : { is_disabled: false, url },
    disable_notification: payload.disableNotification,
  };
}

const EXTENSIONS: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };

/**
 * The payload and image as #sendphoto fields: the bytes go as a multipart upload (#sending-files:
 * "Post the file using multipart/form-data"), which telegraf builds for an `Input.fromBuffer`.
 */
export function sendPhotoParams(input: typeof Input, payload: TelegramPhotoPayload, image: AttachedImage) {
  return {
    chat_id: payload.chatId,
    photo: input.fromBuffer(image.bytes, `image.${EXTENSIONS[image.mime] ?? "jpg"}`),
    caption: payload.caption,
    parse_mode: payload.parseMode,
    disable_notification: payload.disableNotification,
  };
}

interface ChatOfMessage {
  id: number;
  type?: string;
  username?: string;
}

/**
 * Public URL of a sent message: https://t.me/<username>/<id> for a channel or supergroup with a
 * username, https://t.me/c/<id without -100>/<id> for a private one (members only), else null
 * (private chats and basic groups have no message links). Pure.
 */
export function postUrl(chat: ChatOfMessage, configured: number | string, messageId: number): string | null {
  if (chat.type === "private" || chat.type === "group") return null;
  const configuredName = typeof configured === "string" && configured.startsWith("@") ? configured.slice(1) : undefined;
  const username = chat.username ?? configuredName;
  if (username) return `https://t.me/${username}/${messageId}`;
  const id = String(chat.id);
  return id.startsWith("-100") ? `https://t.me/c/${id.slice(4)}/${messageId}` : null;
}

// telegraf types `signal` with the old abort-controller polyfill; node-fetch v2 underneath takes any
// object whose prototype is named AbortSignal, which Node's own signals are. The signal is the
// core's (the send timeout, shutdown): nothing else bounds a call.
type TelegrafSignal = NonNullable<Parameters<Telegram["callApi"]>[2]>["signal"];
const asTelegraf = (signal: AbortSignal) => ({ signal: signal as unknown as TelegrafSignal });

/**
 * node-fetch's AbortError does not say why the signal fired: its reason (a TimeoutError at the send
 * timeout, an AbortError at shutdown) goes along as the cause, so that the operator reads which.
 */
const withReason = (signal: AbortSignal) => (err: unknown): never => {
  if (signal.aborted && err instanceof Error && err.name === "AbortError" && err.cause === undefined) err.cause = signal.reason;
  throw err;
};

function sent(message: { message_id: number; chat: unknown }, chatId: number | string, note?: string): SentPost {
  return { remoteId: String(message.message_id), remoteUrl: postUrl(message.chat as ChatOfMessage, chatId, message.message_id), ...(note ? { note } : {}) };
}

async function sendText({ telegram }: TelegramClient, payload: TelegramMessagePayload, signal: AbortSignal, note?: string): Promise<SentPost> {
  const message = await telegram.callApi("sendMessage", sendMessageParams(payload), asTelegraf(signal)).catch(withReason(signal));
  return sent(message, payload.chatId, note);
}

/** Posts the message, or the photo with its caption; a photo payload without `ctx.image` goes as its text message. */
export async function sendTelegram(client: TelegramClient, payload: TelegramPayload, ctx: SendContext): Promise<SentPost> {
  if (payload.kind === "message") {
    return sendText(client, payload, ctx.signal, ctx.image && payload.imageLeftOut ? `image not attached: ${payload.imageLeftOut}` : undefined);
  }
  // Rendered for a photo, but the core has no bytes this time: the full post as text.
  if (!ctx.image) return sendText(client, payload.fallback, ctx.signal, "image not attached: it was not available at send time");
  try {
    const message = await client.telegram.callApi("sendPhoto", sendPhotoParams(client.input, payload, ctx.image), asTelegraf(ctx.signal)).catch(withReason(ctx.signal));
    return sent(message, payload.chatId);
  } catch (err) {
    // A refused photo (400, 413): nothing was posted, so the core may send the text message instead.
    const refused = photoRefusal(err);
    throw refused === undefined ? err : new TelegramPhotoRefused(err, refused);
  }
}

/** getMe: "@the_bot_username". */
export async function checkTelegram({ telegram }: TelegramClient, signal: AbortSignal): Promise<string> {
  const me = await telegram.callApi("getMe", {}, asTelegraf(signal)).catch(withReason(signal));
  return `@${me.username}`;
}

/** #deletemessage: "A message can only be deleted if it was sent less than 48 hours ago." */
export async function deleteTelegram({ telegram, cfg }: TelegramClient, remoteId: string, signal: AbortSignal): Promise<void> {
  await telegram.callApi("deleteMessage", { chat_id: cfg.chatId, message_id: Number(remoteId) }, asTelegraf(signal)).catch(withReason(signal));
}
