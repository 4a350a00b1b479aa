/**
 * What a failed Mastodon call means for delivery. Pure: no clock (a rate-limit wait is measured
 * from the response's own `Date` header), no I/O; never throws.
 *
 * masto 7 throws `MastoHttpError` for an error answer with a JSON body (`statusCode`, `message` =
 * the body's `error`, `description` = `error_description`; `cause` = the fetch Response, whose
 * headers stay readable). For an error answer that is not JSON (a proxy's HTML 502) it loses the
 * status: `MastoUnexpectedError`, or a TypeError from destructuring the missing body. Timeouts are
 * `MastoTimeoutError`; an aborted signal and network failures pass through from fetch (DOMException
 * AbortError; TypeError "fetch failed" with the socket error as `cause`).
 *
 * Every post carries an Idempotency-Key (capabilities.idempotentSend), so anything that may have
 * reached the server is `unknown-outcome`: the core retries it with the same key.
 */
import type { MastoHttpError } from "masto";
import { deliveryError, errorText, imageStepError, type DeliveryError, NOT_SENT_CODES } from "../../src/core/index.js";

/**
 * Thrown by `send` when the article's image could not go with the status: its upload failed
 * (`step` "upload"), or the server refused the status for its attachment ("status": a 422 with
 * media, nothing created). Nothing was posted. `cause` is masto's error; `refused`, the server's
 * words when it refused the image (media.ts decides), as opposed to the request failing.
 */
export class MastodonImageError extends Error {
  override name = "MastodonImageError";
  constructor(
    readonly step: "upload" | "status",
    cause: unknown,
    readonly refused?: string,
  ) {
    super(`${step === "upload" ? "uploading the image" : "posting with the image"} failed: ${refused ?? errorText(cause)}`, { cause });
  }
}

/** Errors from https://docs.joinmastodon.org and Mastodon's controllers, each with a recorded fixture. */
const FORBIDDEN_HINTS: Record<string, string> = {
  // Api::BaseController#doorkeeper_forbidden_render_options (fixtures/403-outside-scopes.json)
  "This action is outside the authorized scopes": "the token lacks a scope: create it with write:statuses, write:media and read:accounts",
  // Api::BaseController#require_user! (fixtures/403-login-disabled.json, 403-pending-approval.json)
  "Your login is currently disabled": "the account is disabled or suspended on this server",
  "Your login is missing a confirmed e-mail address": "confirm the account's e-mail address",
  "Your login is currently pending approval": "the server's moderators have not approved the account yet",
};

/** Wait when a 429 names no reset: Mastodon's shortest throttle period (5 minutes, docs /api/rate-limits/). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

const FIX_TOKEN = "create a new access token (Preferences → Development) and set accessToken";

export function classifyMastodon(err: unknown): DeliveryError {
  try {
    if (err instanceof MastodonImageError) {
      return imageStepError(classifyMastodon(err.cause), { failed: "uploading the image to Mastodon failed", refused: "Mastodon refused the image" }, err.refused);
    }
    if (isMasto(err, "MastoHttpError")) return fromStatus(err as MastoHttpError);
    if (isMasto(err, "MastoTimeoutError") || nameOf(err) === "AbortError" || nameOf(err) === "TimeoutError") {
      return deliveryError("unknown-outcome", "the request timed out or was cancelled after it may have reached Mastodon", { detail: errorText(err) });
    }
    if (isMasto(err, "MastoUnexpectedError") || isMasto(err, "MastoDeserializeError")) {
      return deliveryError("unknown-outcome", "Mastodon's answer was not readable JSON (the server or a proxy may be down); the post may exist", { detail: errorText(err).slice(0, 300) });
    }
    const code = socketCode(err);
    if (code && NOT_SENT_CODES.has(code)) {
      return deliveryError("transient", `cannot reach the Mastodon server (${code}); nothing was posted`, { detail: `${code}: ${causeText(err)}` });
    }
    return deliveryError("unknown-outcome", `the request to Mastodon failed${code ? ` (${code})` : ""}; the post may exist`, {
      detail: code ? `${code}: ${causeText(err)}` : errorText(err).slice(0, 300),
    });
  } catch {
    return deliveryError("unknown-outcome", "unreadable error from the Mastodon client; the post may exist");
  }
}

function fromStatus(err: MastoHttpError): DeliveryError {
  const status = err.statusCode;
  const message = err.message ?? "";
  const detail = [String(status), message, err.description].filter(Boolean).join(": ");
  if (status === 429) return rateLimited(err, detail);
  // https://docs.joinmastodon.org/methods/statuses/#create 401: "Invalid or missing Authorization header".
  if (status === 401) return deliveryError("auth", `Mastodon refused the access token: ${FIX_TOKEN}`, { detail });
  if (status === 403) {
    return deliveryError("auth", `Mastodon does not let this token post: ${FORBIDDEN_HINTS[message] ?? FIX_TOKEN}`, { detail });
  }
  if (status === 404) {
    return deliveryError("destination-broken", "no Mastodon API at this address (404): check instance (the server's https:// origin)", { detail });
  }
  if (status === 410) return deliveryError("destination-broken", "the account is gone from this server (410)", { detail });
  // Api::BaseController: a failed validation (too long, blank) is 422 {"error":"Validation failed: …"}.
  if (status === 422) return deliveryError("rejected", `Mastodon refused the post: ${message || "validation failed"}`, { detail });
  if (status >= 500) {
    return deliveryError("unknown-outcome", `Mastodon failed with ${status}; the post may exist (a retry with the same Idempotency-Key cannot post twice)`, { detail });
  }
  return deliveryError("rejected", `Mastodon refused the request (${status})`, { detail });
}

function header(err: MastoHttpError, name: string): string | null {
  const headers = (err.cause as { headers?: { get?: (n: string) => string | null } } | undefined)?.headers;
  return typeof headers?.get === "function" ? headers.get(name) : null;
}

/**
 * 429 (https://docs.joinmastodon.org/api/rate-limits/): `X-RateLimit-Reset` is an ISO 8601
 * timestamp ("Timestamp when your rate limit will reset"); `retryAt` is that, `waitMs` measured
 * from the response's `Date`. A proxy's `Retry-After` (seconds or HTTP-date, RFC 9110 §10.2.3)
 * is honoured too. Limits are per account and per token, so the scope is the account.
 */
function rateLimited(err: MastoHttpError, detail: string): DeliveryError {
  const answeredAt = Date.parse(header(err, "date") ?? "");
  const reset = Date.parse(header(err, "x-ratelimit-reset") ?? "");
  const retryAfter = header(err, "retry-after")?.trim() ?? "";
  const extra: { retryAt?: number; waitMs?: number } = {};
  if (Number.isFinite(reset)) {
    extra.retryAt = reset;
    if (Number.isFinite(answeredAt)) extra.waitMs = Math.max(0, reset - answeredAt);
  }
  if (/^\d+$/.test(retryAfter)) extra.waitMs = Math.max(extra.waitMs ?? 0, Number(retryAfter) * 1000);
  else if (Number.isFinite(Date.parse(retryAfter)) && extra.retryAt === undefined) {
    extra.retryAt = Date.parse(retryAfter);
    if (Number.isFinite(answeredAt)) extra.waitMs = Math.max(0, extra.retryAt - answeredAt);
  }
  if (extra.retryAt === undefined && extra.waitMs === undefined) extra.waitMs = DEFAULT_RATE_LIMIT_WAIT_MS;
  const until = extra.retryAt === undefined ? `in ${Math.round((extra.waitMs ?? 0) / 1000)} s` : `at ${new Date(extra.retryAt).toISOString()}`;
  return deliveryError("rate-limited", `Mastodon rate limit reached; posting resumes ${until}`, { detail, scope: "account", ...extra });
}

/**
 * masto's errors by name, not instanceof, so that classify loads no SDK at import (index.ts stays
 * light): ts-custom-error sets each error's `name` to its class name.
 */
function isMasto(err: unknown, name: "MastoHttpError" | "MastoTimeoutError" | "MastoUnexpectedError" | "MastoDeserializeError"): boolean {
  return err instanceof Error && err.name === name;
}

function nameOf(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

function socketCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  // Node's happy-eyeballs connect raises an AggregateError of the per-address failures.
  const first = Array.isArray(cause?.errors) ? cause.errors[0]?.code : undefined;
  return typeof first === "string" ? first : undefined;
}

function causeText(err: unknown): string {
  return errorText((err as { cause?: unknown }).cause ?? err);
}
