/**
 * What Discord's own answers mean for delivery. Pure; never throws.
 *
 * The HTTP status decides the kind; Discord's JSON error `code`
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json, read 2026-05-13, body
 * `{ code, message, errors? }`) refines it where one status covers cases needing different operator
 * action. Each rule has a recorded answer in fixtures/. Only the kit's HttpError is read here (its
 * body, headers and rate-limit headers read once by the JSON client); anything else is left to the
 * kit (undefined): a network failure is `transient` only when the request provably never left, and
 * since Execute Webhook takes no idempotency key, whatever may have reached Discord is `unknown-outcome`.
 */
import { deliveryError, isHttpError, type DeliveryError, type HttpError } from "../../src/core/index.js";

/** Discord's JSON error body (#json), or a 429's (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit). */
export interface DiscordErrorBody {
  code?: number;
  message?: string;
  errors?: unknown;
  retry_after?: number;
  global?: boolean;
}

/** Unknown outcomes say why a retry is not automatic. */
export const DISCORD_RETRY_NOTE = "webhooks take no idempotency key";

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

/** The body's `retry_after`: seconds, a JSON number (a numeric string tolerated). */
const seconds = (v: unknown): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * 429 (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit): `retry_after`
 * is float SECONDS; else the `X-RateLimit-Reset-After` or `Retry-After` header (read by the kit).
 * The global limit (`global: true`, `X-RateLimit-Global`) is per IP for unauthenticated webhook
 * calls ("If no authorization header is provided, then the limit is applied to the IP address"),
 * so it holds every Discord destination of this Crier: scope "account".
 */
function rateLimited(err: HttpError, body: DiscordErrorBody | null, detail: string): DeliveryError {
  const bodySeconds = seconds(body?.retry_after);
  const global = body?.global === true || err.headers["x-ratelimit-global"]?.toLowerCase() === "true";
  // The body's float seconds first; else what the kit read from Retry-After and X-RateLimit-Reset-After.
  const waitMs = bodySeconds !== undefined ? Math.ceil(bodySeconds * 1000) : (err.rateLimit.waitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
  const what = global ? "Discord's global rate limit (shared by every webhook this host calls)" : "the webhook's rate limit";
  return deliveryError("rate-limited", `${what} was reached; retry after ${(waitMs / 1000).toFixed(1)} s`, {
    detail, waitMs, scope: global ? "account" : "destination",
  });
}

/** The body as Discord's error object, or null (a proxy's HTML page, an empty body). */
function bodyOf(err: HttpError): DiscordErrorBody | null {
  return err.body && typeof err.body === "object" && !Array.isArray(err.body) ? (err.body as DiscordErrorBody) : null;
}

/** Discord's answers → DeliveryError; undefined for anything that is not one (the kit's to classify). Pure; never throws. */
export function classifyDiscord(err: unknown): DeliveryError | undefined {
  if (!isHttpError(err)) return undefined;
  const { status } = err;
  const body = bodyOf(err);
  const code = body?.code;
  const detail = describe(status, body);
  if (status === 429) return rateLimited(err, body, detail);
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
    return deliveryError("unknown-outcome", `Discord failed with ${status}; the post may or may not exist (${DISCORD_RETRY_NOTE})`, { detail });
  }
  if (status < 400) {
    return deliveryError("destination-broken", `unexpected ${status} answer (a redirect?): check apiBase`, { detail });
  }
  const why = code === CODES.emptyMessage ? ": the message has no text" : code === CODES.invalidFormBody ? ": a field is invalid or too long" : "";
  return deliveryError("rejected", `Discord refused this post${why}`, { detail });
}
