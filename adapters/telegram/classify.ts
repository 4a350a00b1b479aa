/**
 * What Telegram's own answers mean for delivery. Pure; never throws.
 *
 * API errors come from telegraf as TelegramError: `response.error_code`, `response.description`,
 * `response.parameters` (https://core.telegram.org/bots/api#making-requests: "error_code",
 * "description", and "parameters" — #responseparameters: retry_after, migrate_to_chat_id; the
 * reference read 2026-12-06, at Bot API 10.2). The status code decides the kind; the description
 * is matched (exactly, one recorded fixture per string in fixtures/) only where one status covers
 * cases that need different operator action. The Bot API documents the fields but not the strings;
 * these are the server's own.
 *
 * Anything else (node-fetch's network errors under telegraf, aborts) is the kit's to classify
 * (src/core/kit/network-error.ts): Telegram takes no idempotency key, so whatever may have reached
 * the server is `unknown-outcome`, never `transient`.
 */
import { deliveryError, imageStepError, type DeliveryError } from "../../src/core/index.js";

/**
 * Thrown by `send` when Telegram refused the photo (see photoRefusal): nothing was posted, and the
 * core sends the post again as a text message. Any other sendPhoto failure is the post's own (the
 * photo is the message: a 5xx or a lost answer may have published it) and is thrown as it came.
 */
export class TelegramPhotoRefused extends Error {
  override name = "TelegramPhotoRefused";
  constructor(
    cause: unknown,
    readonly refused: string,
  ) {
    super(`Telegram refused the photo: ${refused}`, { cause });
  }
}

interface ApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

const FIX_TOKEN = "check botToken (from @BotFather; /revoke issues a new one) and apiBase";

/** 403 descriptions: the bot has lost the chat. The status alone decides; these pick the hint. */
const FORBIDDEN_HINTS: Record<string, string> = {
  "Forbidden: bot was kicked from the channel chat": "the bot was removed from the channel: add it back as an administrator",
  "Forbidden: bot was kicked from the supergroup chat": "the bot was removed from the group: add it back",
  "Forbidden: bot was kicked from the group chat": "the bot was removed from the group: add it back",
  "Forbidden: bot was blocked by the user": "the user blocked the bot: they must unblock it (or /start it again)",
  "Forbidden: bot is not a member of the channel chat": "the bot is not in the channel: add it as an administrator with 'Post messages'",
  "Forbidden: bot is not a member of the supergroup chat": "the bot is not in the group: add it",
  "Forbidden: bot can't initiate conversation with a user": "a user must /start the bot before it can message them",
};

/** 400 descriptions that mean the destination, not the post, is wrong (a 400 is otherwise `rejected`). */
const BROKEN_DESTINATION_400: Record<string, string> = {
  "Bad Request: chat not found": "check chatId; for a private channel the bot must be a member (use the numeric -100… id)",
  "Bad Request: need administrator rights in the channel chat": "make the bot a channel administrator with 'Post messages'",
  "Bad Request: not enough rights to send text messages to the chat": "allow the bot to send messages in this chat",
  "Bad Request: have no rights to send a message": "allow the bot to send messages in this chat",
};

/** 400 descriptions for refused content, kept for their hints. "can't parse entities: <reason>" varies after the colon. */
const REJECTED_400: Record<string, string> = {
  "Bad Request: message is too long": "the post is over 4096 characters after HTML parsing",
  "Bad Request: message text is empty": "the post has no visible text",
};
const CANT_PARSE = "Bad Request: can't parse entities: ";

/**
 * 400 descriptions for a photo Telegram will not take (#sendphoto: "The photo must be at most 10
 * MB in size. The photo's width and height must not exceed 10000 in total. Width and height ratio
 * must be at most 20"). `send` then posts the text message instead. Each string is the server's
 * own, recorded in fixtures/ from public reports:
 * - PHOTO_INVALID_DIMENSIONS: github.com/go-telegram-bot-api/telegram-bot-api/issues/600
 * - IMAGE_PROCESS_FAILED (bytes Telegram cannot decode): github.com/eternnoir/pyTelegramBotAPI/issues/655
 * - wrong file identifier/HTTP URL specified: github.com/eternnoir/pyTelegramBotAPI/issues/352
 * - there is no photo in the request: github.com/php-telegram-bot/core/issues/267
 * - file is too big: github.com/TediCross/TediCross/issues/184 (the wording for an oversized file)
 * - file must be non-empty: tdlib's wording for an empty upload (served by test/loopback/telegram-bot-api)
 */
export const PHOTO_REFUSED_400: Record<string, string> = {
  "Bad Request: PHOTO_INVALID_DIMENSIONS": "its width + height is over 10000 or its sides' ratio over 20",
  "Bad Request: IMAGE_PROCESS_FAILED": "Telegram could not process the image",
  "Bad Request: wrong file identifier/HTTP URL specified": "Telegram did not take the file",
  "Bad Request: there is no photo in the request": "the upload arrived without the photo",
  "Bad Request: file is too big": "the photo is over 10 MB",
  "Bad Request: file must be non-empty": "the photo was empty",
};

/**
 * "400 Bad Request: PHOTO_INVALID_DIMENSIONS (…)" when `err` is Telegram refusing a photo, else
 * undefined. A 413 (#sending-files: uploads "50 MB max size for other files"; the server answers
 * before reading the upload) is refusing it too. Pure.
 */
export function photoRefusal(err: unknown): string | undefined {
  const api = apiError(err);
  if (api?.error_code === 413) return `413 ${api.description} (the upload is larger than the Bot API takes)`;
  const hint = api?.error_code === 400 ? PHOTO_REFUSED_400[api.description] : undefined;
  return api && hint ? `${api.error_code} ${api.description} (${hint})` : undefined;
}

function apiError(err: unknown): ApiError | null {
  const response = (err as { response?: unknown } | null)?.response;
  if (typeof response !== "object" || response === null) return null;
  const r = response as Record<string, unknown>;
  if (typeof r.error_code !== "number") return null;
  const parameters = typeof r.parameters === "object" && r.parameters !== null ? (r.parameters as ApiError["parameters"]) : undefined;
  return { error_code: r.error_code, description: typeof r.description === "string" ? r.description : "", parameters };
}

/** node-fetch puts the request URL, token included, into some messages (telegraf redacts only a few). */
export function redactToken(text: string): string {
  return text.replace(/\/(bot|user)\d+:[A-Za-z0-9_-]+/g, "/$1[REDACTED]");
}

function retryAfterSeconds(api: ApiError): number {
  const given = api.parameters?.retry_after;
  if (typeof given === "number" && given >= 0) return given;
  const stated = /retry after (\d+)/i.exec(api.description); // same number, older servers omit parameters
  return stated ? Number(stated[1]) : 30;
}

function classifyApi(api: ApiError): DeliveryError {
  const { error_code: code, description } = api;
  const detail = `${code} ${description}`.trim();
  if (code === 429) {
    const seconds = retryAfterSeconds(api);
    return deliveryError("rate-limited", `Telegram flood control: retry after ${seconds} s`, { detail, waitMs: seconds * 1000, scope: "destination" });
  }
  // #making-requests: an unknown or revoked token is 401 Unauthorized; a malformed one, or a
  // wrong apiBase path, 404 Not Found.
  if (code === 401 || code === 404) return deliveryError("auth", `Telegram refused the bot token: ${FIX_TOKEN}`, { detail });
  if (code === 403) {
    return deliveryError("destination-broken", `the bot cannot post to this chat: ${FORBIDDEN_HINTS[description] ?? "check the bot's membership and rights in the chat"}`, { detail });
  }
  if (code === 400) {
    const migrated = api.parameters?.migrate_to_chat_id;
    if (typeof migrated === "number") {
      return deliveryError("destination-broken", `the group became a supergroup: set chatId to ${migrated}`, { detail });
    }
    const broken = BROKEN_DESTINATION_400[description];
    if (broken) return deliveryError("destination-broken", `Telegram cannot deliver to this chat: ${broken}`, { detail });
    const photo = PHOTO_REFUSED_400[description];
    const hint = REJECTED_400[description] ?? (photo ? `the photo: ${photo}` : undefined) ?? (description.startsWith(CANT_PARSE) ? "the post's HTML is invalid (check the template's tags)" : undefined);
    return deliveryError("rejected", `Telegram refused the post${hint ? `: ${hint}` : ""}`, { detail });
  }
  // telegraf turns any 5xx into {error_code: status, description: statusText} without reading the body.
  if (code >= 500) return deliveryError("unknown-outcome", "Telegram answered with a server error; the post may have been published", { detail });
  if (code >= 400) return deliveryError("rejected", "Telegram refused the request", { detail });
  return deliveryError("unknown-outcome", "unexpected answer from Telegram", { detail });
}

/** How the kit words Telegram's network failures: node-fetch quotes the request URL, token included. */
export const TELEGRAM_NETWORK = { retryNote: "Telegram takes no idempotency key", redact: redactToken };

/** Telegram's own answers as a DeliveryError; undefined for anything else (the kit's). Pure; never throws. */
export function classifyTelegram(err: unknown): DeliveryError | undefined {
  if (err instanceof TelegramPhotoRefused) {
    // photoRefusal made it from an API answer, so the cause is one.
    const api = apiError(err.cause);
    const inner = api ? classifyApi(api) : deliveryError("unknown-outcome", "unexpected answer from Telegram");
    return imageStepError(inner, { failed: "sending the photo to Telegram failed", refused: "Telegram refused the photo" }, err.refused);
  }
  const api = apiError(err);
  return api ? classifyApi(api) : undefined;
}
