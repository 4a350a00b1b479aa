import http from "node:http";
import https from "node:https";
import { Input, Telegram } from "telegraf";
import type { AttachedImage, ConnectDeps, Connection, SentPost } from "../../src/core/index.js";
import { photoRefusal, TelegramPhotoRefused } from "./classify.js";
import type { TelegramConfig } from "./config.js";
import { telegramLimits, type TelegramMessagePayload, type TelegramPayload, type TelegramPhotoPayload } from "./render.js";

/**
 * telegraf resolves `./bot<token>/<method>` against apiRoot, so a base with a path
 * ("http://host/telegram") needs its trailing slash or the path is lost.
 */
export function apiRoot(apiBase: string): string {
  const url = new URL(apiBase);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.toString();
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
export function sendPhotoParams(payload: TelegramPhotoPayload, image: AttachedImage) {
  return {
    chat_id: payload.chatId,
    photo: Input.fromBuffer(image.bytes, `image.${EXTENSIONS[image.mime] ?? "jpg"}`),
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
// object whose prototype is named AbortSignal, which Node's own signals are.
type TelegrafSignal = NonNullable<Parameters<Telegram["callApi"]>[2]>["signal"];

/** Opens a client: no network until the first call. */
export async function connectTelegram(cfg: TelegramConfig, deps: ConnectDeps): Promise<Connection<TelegramPayload>> {
  const root = apiRoot(cfg.apiBase);
  // Our own agent, so that close() really releases the sockets (telegraf's default https agent is
  // shared by every client in the process; for http:// roots it uses Node's global agent).
  const agent = root.startsWith("https:") ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const telegram = new Telegram(cfg.botToken, { apiRoot: root, agent });
  telegram.options.agent = agent; // the constructor drops `agent` for http:// roots
  // telegraf's own timeout is 500 s; the core's signal and the destination's timeoutMs bound every call.
  const bounded = (signal: AbortSignal): TelegrafSignal =>
    AbortSignal.any([signal, AbortSignal.timeout(deps.timeoutMs)]) as unknown as TelegrafSignal;

  const sent = (message: { message_id: number; chat: unknown }, chatId: number | string, note?: string): SentPost => ({
    remoteId: String(message.message_id),
    remoteUrl: postUrl(message.chat as ChatOfMessage, chatId, message.message_id),
    ...(note ? { note } : {}),
  });
  const sendText = async (payload: TelegramMessagePayload, signal: AbortSignal, note?: string): Promise<SentPost> =>
    sent(await telegram.callApi("sendMessage", sendMessageParams(payload), { signal: bounded(signal) }), payload.chatId, note);

  return {
    limits: telegramLimits(cfg),
    async send(payload, ctx): Promise<SentPost> {
      if (payload.kind === "message") {
        return sendText(payload, ctx.signal, ctx.image && payload.imageLeftOut ? `image not attached: ${payload.imageLeftOut}` : undefined);
      }
      // Rendered for a photo, but the core has no bytes this time: the full post as text.
      if (!ctx.image) return sendText(payload.fallback, ctx.signal, "image not attached: it was not available at send time");
      try {
        return sent(await telegram.callApi("sendPhoto", sendPhotoParams(payload, ctx.image), { signal: bounded(ctx.signal) }), payload.chatId);
      } catch (err) {
        // A refused photo (400, 413): nothing was posted, so the core may send the text message instead.
        const refused = photoRefusal(err);
        throw refused === undefined ? err : new TelegramPhotoRefused(err, refused);
      }
    },
    async check(signal) {
      const me = await telegram.callApi("getMe", {}, { signal: bounded(signal) });
      return `@${me.username}`;
    },
    async delete(remoteId, signal) {
      // #deletemessage: "A message can only be deleted if it was sent less than 48 hours ago."
      await telegram.callApi("deleteMessage", { chat_id: cfg.chatId, message_id: Number(remoteId) }, { signal: bounded(signal) });
    },
    async close() {
      agent.destroy();
    },
  };
}
