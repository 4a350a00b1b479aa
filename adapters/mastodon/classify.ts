/**
 * What a failed Mastodon call means for delivery: the server's own answers. Pure apart from the
 * clock a 429 without a `Date` header is measured from; never throws. Network failures (fetch's
 * "fetch failed" with the socket error as `cause`, MastoTimeoutError, an aborted signal) are the
 * kit's (defineAdapter), and anything else is an unknown outcome.
 *
 * masto 7 throws `MastoHttpError` for an error answer with a JSON body (`statusCode`, `message` =
 * the body's `error`, `description` = `error_description`; `cause` = the fetch Response, whose
 * headers stay readable). For an error answer that is not JSON (a proxy's HTML 502) it loses the
 * status: `MastoUnexpectedError`, or a TypeError from destructuring the missing body. Instance
 * discovery goes through the kit's JsonClient (instance.ts): `HttpError`.
 *
 * Every post carries an Idempotency-Key (`idempotency` in index.ts), so anything that may have
 * reached the server is `unknown-outcome`: the core retries it with the same key.
 */
import type { MastoHttpError } from "masto";
import {
  ResponseBodyError, deliveryError, errorText, imageStepError, isHttpError, networkDeliveryError, rateLimitedError, readRateLimit,
  type DeliveryError, type HeaderSource, type RateLimitInfo,
} from "../../src/core/index.js";
import { INSTANCE_PATH, NotMastodonError } from "./instance.js";

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

/** How the kit words this platform's network failures (defineAdapter's `network`). */
export const MASTODON_NETWORK = { retryNote: "a retry with the same Idempotency-Key cannot post twice" };
const WORDING = { platform: "the Mastodon server", ...MASTODON_NETWORK };

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

/** masto's errors by name, not instanceof, so that nothing here loads the SDK (ts-custom-error names each error after its class). */
export function isMastoHttpError(err: unknown): err is MastoHttpError {
  return err instanceof Error && err.name === "MastoHttpError" && typeof (err as MastoHttpError).statusCode === "number";
}

const isMasto = (err: unknown, name: string): boolean => err instanceof Error && err.name === name;

/** An error answer as the status ladder reads it, from masto or from the kit's client. */
interface Answer {
  status: number;
  /** The body's `error`, or what the request was when the body has none. */
  message: string;
  description?: string;
  rateLimit: () => RateLimitInfo;
}

function answerOf(err: unknown): Answer | undefined {
  if (isMastoHttpError(err)) {
    const headers = (err.cause as { headers?: HeaderSource } | undefined)?.headers;
    return { status: err.statusCode, message: err.message ?? "", description: err.description, rateLimit: () => readRateLimit(headers, Date.now()) };
  }
  if (!isHttpError(err)) return undefined;
  const body = (typeof err.body === "object" && err.body !== null ? err.body : {}) as { error?: unknown; error_description?: unknown };
  return {
    status: err.status,
    message: typeof body.error === "string" ? body.error : `HTTP ${err.status} from ${err.request.method} ${err.request.route}`,
    ...(typeof body.error_description === "string" ? { description: body.error_description } : {}),
    rateLimit: () => err.rateLimit,
  };
}

function fromStatus({ status, message, description, rateLimit }: Answer): DeliveryError {
  const detail = [String(status), message, description].filter(Boolean).join(": ");
  // https://docs.joinmastodon.org/api/rate-limits/: `X-RateLimit-Reset` is an ISO 8601 time, read
  // by the kit with a proxy's Retry-After. Limits are per account and per token: the account waits.
  if (status === 429) return rateLimitedError(rateLimit(), { what: "Mastodon rate limit reached", scope: "account", defaultWaitMs: DEFAULT_RATE_LIMIT_WAIT_MS, detail });
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
  if (status >= 500) return deliveryError("unknown-outcome", `Mastodon failed with ${status}; the post may exist (${MASTODON_NETWORK.retryNote})`, { detail });
  return deliveryError("rejected", `Mastodon refused the request (${status})`, { detail });
}

/** The server's own answers; undefined for anything else (network failures are the kit's). */
export function classifyMastodon(err: unknown): DeliveryError | undefined {
  if (err instanceof MastodonImageError) {
    return imageStepError(classifyAll(err.cause), { failed: "uploading the image to Mastodon failed", refused: "Mastodon refused the image" }, err.refused);
  }
  // An address that answers, but not as a Mastodon API (a website's catch-all page): connect only.
  if (err instanceof NotMastodonError || (err instanceof ResponseBodyError && err.request.route === INSTANCE_PATH)) {
    return deliveryError("destination-broken", "no Mastodon API at this address: check instance (the server's https:// origin)", { detail: err.message });
  }
  const answer = answerOf(err);
  if (answer) return fromStatus(answer);
  if (isMasto(err, "MastoUnexpectedError") || isMasto(err, "MastoDeserializeError")) {
    return deliveryError("unknown-outcome", "Mastodon's answer was not readable JSON (the server or a proxy may be down); the post may exist", { detail: errorText(err).slice(0, 300) });
  }
  return undefined;
}

/** Any error, as defineAdapter classifies it: for what failed during the image step. */
function classifyAll(err: unknown): DeliveryError {
  return classifyMastodon(err) ?? networkDeliveryError(err, WORDING) ?? deliveryError("unknown-outcome", "unexpected error from the Mastodon server", { detail: errorText(err).slice(0, 300) });
}
