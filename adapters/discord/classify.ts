/**
 * What a failed Discord webhook call means for delivery. Pure; never throws.
 *
 * The HTTP status decides the kind; Discord's JSON error `code`
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json, body
 * `{ code, message, errors? }`) refines it where one status covers cases needing different operator
 * action. Each rule has a recorded answer in fixtures/. Execute Webhook takes no idempotency key,
 * so anything that may have reached Discord is `unknown-outcome`, never `transient`.
 */
import { deliveryError, errorText, type DeliveryError, NOT_SENT_CODES } from "../../src/core/index.js";
import { DiscordApiError, DiscordResponseError, type DiscordErrorBody, type KeptHeaders } from "./errors.js";

/** JSON error codes (same page). */
export const CODES = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  invalidWebhookToken: 50027,
  emptyMessage: 50006,
  invalidFormBody: 50035,
  forumNeedsThread: 220001,
  forumThreadBoth: 220002,
  threadsOnlyInForums: 220003,
} as const;

/** When a 429 gives no wait at all: the longest per-route window commonly seen, to be safe. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

const FIX_URL = "copy the URL again from the channel's settings → Integrations → Webhooks and update webhookUrl";

/** A webhook path in any text (error messages from lower layers may quote a URL): the token is a secret. */
export function redactWebhook(text: string): string {
  return text.replace(/\/webhooks\/(\d+)\/[A-Za-z0-9_-]+/g, "/webhooks/$1/[redacted]");
}

/** "50035 Invalid Form Body: embeds.0.description: Must be 4096 or fewer in length." */
function describe(status: number, body: DiscordErrorBody | null): string {
  const head = [String(status), body?.code !== undefined ? `code ${body.code}` : "", body?.message ?? ""].filter(Boolean).join(" ");
  const fields = flattenErrors(body?.errors).slice(0, 5);
  return redactWebhook(fields.length ? `${head}: ${fields.join("; ")}` : head);
}

/** The v8+ form-error tree (https://discord.com/developers/docs/reference#error-messages) as "path: message" lines. */
export function flattenErrors(tree: unknown, path: string[] = []): string[] {
  if (!tree || typeof tree !== "object") return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (key === "_errors" && Array.isArray(value)) {
      for (const e of value as Array<{ message?: unknown }>) out.push(`${path.join(".") || "body"}: ${String(e?.message ?? "invalid")}`);
    } else {
      out.push(...flattenErrors(value, [...path, key]));
    }
  }
  return out;
}

const seconds = (v: unknown): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * 429 (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit): `retry_after`
 * is float SECONDS; else the `X-RateLimit-Reset-After` or `Retry-After` header (seconds too).
 * The global limit (`global: true`, `X-RateLimit-Global`) is per IP for unauthenticated webhook
 * calls ("If no authorization header is provided, then the limit is applied to the IP address"),
 * so it holds every Discord destination of this Crier: scope "account".
 */
function rateLimited(body: DiscordErrorBody | null, headers: KeptHeaders, detail: string): DeliveryError {
  const wait = seconds(body?.retry_after) ?? seconds(headers["x-ratelimit-reset-after"]) ?? seconds(headers["retry-after"]);
  const global = body?.global === true || headers["x-ratelimit-global"]?.toLowerCase() === "true";
  const waitMs = wait === undefined ? DEFAULT_RATE_LIMIT_WAIT_MS : Math.ceil(wait * 1000);
  const what = global ? "Discord's global rate limit (shared by every webhook this host calls)" : "the webhook's rate limit";
  return deliveryError("rate-limited", `${what} was reached; retry after ${(waitMs / 1000).toFixed(1)} s`, {
    detail, waitMs, scope: global ? "account" : "destination",
  });
}

function fromApi(err: DiscordApiError): DeliveryError {
  const { status, body, headers } = err;
  const code = body?.code;
  const detail = describe(status, body);
  if (status === 429) return rateLimited(body, headers, detail);
  if (status === 401 || code === CODES.invalidWebhookToken) {
    return deliveryError("auth", `Discord refused the webhook's token (webhookUrl is wrong or incomplete): ${FIX_URL}`, { detail });
  }
  // https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans:
  // "If a webhook returns a 404 status you should not attempt to use it again".
  if (code === CODES.unknownWebhook) {
    return deliveryError("destination-broken", "the Discord webhook no longer exists (deleted from the channel): create a new one and update webhookUrl", { detail });
  }
  if (code === CODES.unknownChannel) {
    return deliveryError("destination-broken", "Discord does not know the thread (or channel) to post in: check threadId, or that the thread still exists", { detail });
  }
  if (code === CODES.forumNeedsThread || code === CODES.forumThreadBoth || code === CODES.threadsOnlyInForums) {
    return deliveryError("destination-broken", "the webhook's channel is a forum: set threadId to the thread (post) to write in", { detail });
  }
  if (code === CODES.unknownMessage) {
    return deliveryError("rejected", "Discord has no such message from this webhook (already deleted, or in another thread than threadId)", { detail });
  }
  if (status === 404) {
    return deliveryError("destination-broken", "Discord answered 404 for the webhook: check webhookUrl and apiBase", { detail });
  }
  if (status === 403) {
    return deliveryError("destination-broken", "Discord forbids this webhook to post there (locked or archived thread, or lost access): check the channel and threadId", { detail });
  }
  if (status >= 500) {
    return deliveryError("unknown-outcome", `Discord failed with ${status}; the post may or may not exist (webhooks take no idempotency key)`, { detail });
  }
  if (status < 400) {
    return deliveryError("destination-broken", `unexpected ${status} answer (a redirect?): check apiBase`, { detail });
  }
  const why = code === CODES.emptyMessage ? ": the message has no text" : code === CODES.invalidFormBody ? ": a field is invalid or too long" : "";
  return deliveryError("rejected", `Discord refused this post${why}`, { detail });
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  const first = Array.isArray(e?.errors) ? (e.errors as Array<{ code?: unknown }>)[0] : undefined; // happy-eyeballs AggregateError
  return typeof first?.code === "string" ? first.code : undefined;
}

function fromNetwork(err: unknown): DeliveryError {
  const code = codeOf(err);
  const detail = redactWebhook([code, errorText(err)].filter(Boolean).join(": "));
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return deliveryError("unknown-outcome", "the send timed out or was cancelled after it may have reached Discord", { detail });
  }
  if (code && NOT_SENT_CODES.has(code)) {
    return deliveryError("transient", `cannot reach Discord (${code}); nothing was posted`, { detail });
  }
  // Reset (UND_ERR_SOCKET, ECONNRESET), headers/body timeouts, anything unexpected: may have been posted.
  return deliveryError("unknown-outcome", `the connection to Discord failed${code ? ` (${code})` : ""}; the post may or may not exist`, { detail });
}

/** Maps whatever `send` threw to a DeliveryError. Pure; never throws. */
export function classifyDiscord(err: unknown): DeliveryError {
  try {
    if (err instanceof DiscordApiError) return fromApi(err);
    if (err instanceof DiscordResponseError) {
      return deliveryError("unknown-outcome", "Discord accepted the request but its answer was unreadable; the post probably exists", { detail: redactWebhook(err.message) });
    }
    return fromNetwork(err);
  } catch {
    return deliveryError("unknown-outcome", "unexpected error while posting to Discord; the post may or may not exist");
  }
}
