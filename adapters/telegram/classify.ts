/**
 * What a failed Telegram call means for delivery. Pure; never throws.
 *
 * API errors come from telegraf as TelegramError: `response.error_code`, `response.description`,
 * `response.parameters` (https://core.telegram.org/bots/api#making-requests: "error_code",
 * "description", and "parameters" — #responseparameters: retry_after, migrate_to_chat_id).
 * The status code decides the kind; the description is matched (exactly, one recorded fixture per
 * string in fixtures/) only where one status covers cases that need different operator action.
 * The Bot API documents the fields but not the strings; these are the server's own.
 *
 * Network errors come from node-fetch 2 (telegraf's HTTP client): FetchError with `type: "system"`
 * and the socket's `code`, or AbortError (`name: "AbortError"`, `type: "aborted"`) when the signal
 * fires. Telegram takes no idempotency key, so anything that may have reached the server is
 * `unknown-outcome`, never `transient`.
 */
import { deliveryError, errorText, type DeliveryError, NOT_SENT_CODES } from "../../src/core/index.js";

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
    const hint = REJECTED_400[description] ?? (description.startsWith(CANT_PARSE) ? "the post's HTML is invalid (check the template's tags)" : undefined);
    return deliveryError("rejected", `Telegram refused the post${hint ? `: ${hint}` : ""}`, { detail });
  }
  // telegraf turns any 5xx into {error_code: status, description: statusText} without reading the body.
  if (code >= 500) return deliveryError("unknown-outcome", "Telegram answered with a server error; the post may have been published", { detail });
  if (code >= 400) return deliveryError("rejected", "Telegram refused the request", { detail });
  return deliveryError("unknown-outcome", "unexpected answer from Telegram", { detail });
}

function classifyNetwork(err: unknown): DeliveryError {
  const e = (typeof err === "object" && err !== null ? err : {}) as { name?: unknown; type?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === "string" ? e.code : typeof (e.cause as { code?: unknown })?.code === "string" ? String((e.cause as { code: string }).code) : undefined;
  const detail = redactToken(errorText(err));
  const extra = code ? { detail: `${code}: ${detail}` } : { detail };
  if (e.name === "AbortError" || e.name === "TimeoutError" || e.type === "aborted") {
    return deliveryError("unknown-outcome", "the send timed out or was cancelled after it may have reached Telegram", extra);
  }
  if (code && NOT_SENT_CODES.has(code)) {
    return deliveryError("transient", `cannot reach the Telegram Bot API (${code}); the post was not sent`, extra);
  }
  // ECONNRESET / "socket hang up", EPIPE, ETIMEDOUT, ERR_STREAM_PREMATURE_CLOSE, invalid-json,
  // request-timeout and anything unexpected: the request may have been processed.
  return deliveryError("unknown-outcome", `the connection to Telegram failed${code ? ` (${code})` : ""}; the post may have been published`, extra);
}

/** Maps whatever `send` threw to a DeliveryError. Pure; never throws. */
export function classifyTelegram(err: unknown): DeliveryError {
  const api = apiError(err);
  return api ? classifyApi(api) : classifyNetwork(err);
}
