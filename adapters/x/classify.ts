/**
 * What a failed X send means, from twitter-api-v2's typed errors. Pure: no clock (a rate-limit
 * wait is measured from the response's own `Date` header), no I/O; never throws.
 */
import type { ApiPartialResponseError, ApiRequestError, ApiResponseError } from "twitter-api-v2";
import type { DeliveryError } from "../../src/core/index.js";
import { deliveryError, errorText, imageStepError, NOT_SENT_CODES } from "../../src/core/index.js";

/**
 * 403 detail X sends for a text the account already posted. Not printed in the docs; recorded from
 * real responses (fixtures/403-duplicate.json cites them), so it is matched exactly, here only.
 */
export const DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content.";
/** App without "Read and write" permission, or tokens generated before it was set (fixtures/403-oauth1-permissions.json). */
const OAUTH1_PERMISSIONS = "https://api.twitter.com/2/problems/oauth1-permissions";
/** Keys of an app not attached to a Project / without the access level (fixtures/403-client-not-enrolled.json). */
const CLIENT_FORBIDDEN = "https://api.twitter.com/2/problems/client-forbidden";

/** Wait when a 429 carries no reset header: one window ("the most common interval is fifteen minutes", rate-limits doc). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60_000;

/**
 * Thrown by `send` when uploading the article's image (or setting its alt text) failed: the post
 * itself was never sent. `cause` is twitter-api-v2's error; `refused`, X's words when it refused
 * the image (media.ts decides), as opposed to the request failing.
 */
export class XUploadError extends Error {
  override name = "XUploadError";
  constructor(
    readonly step: "upload" | "alt text",
    cause: unknown,
    readonly refused?: string,
  ) {
    super(`${XUploadError.doing(step)} failed: ${refused ?? errorText(cause)}`, { cause });
  }

  /** "uploading the image" / "setting the image's alt text". */
  static doing(step: XUploadError["step"]): string {
    return step === "upload" ? "uploading the image" : "setting the image's alt text";
  }
}

interface ApiErrors {
  response: ApiResponseError;
  request: ApiRequestError;
  "partial-response": ApiPartialResponseError;
}

/**
 * twitter-api-v2's errors by their documented discriminant (`error: true`, `type`: ETwitterApiError),
 * not instanceof, so that classify loads no SDK at import (index.ts stays light).
 */
function isApiError<T extends keyof ApiErrors>(err: unknown, type: T): err is ApiErrors[T] {
  const e = err as { error?: unknown; type?: unknown };
  return err instanceof Error && e.error === true && e.type === type;
}

export function classifyX(err: unknown): DeliveryError {
  if (err instanceof XUploadError) return fromUpload(err);
  if (isApiError(err, "response")) return fromResponse(err);
  if (isApiError(err, "request")) return fromRequestError(err);
  if (isApiError(err, "partial-response")) {
    return deliveryError("unknown-outcome", "X's answer was cut off or unreadable; the post may or may not exist", {
      detail: `HTTP ${err.response?.statusCode ?? "?"}: ${err.message}`,
    });
  }
  return deliveryError("unknown-outcome", `unexpected error while posting to X; the post may or may not exist: ${errorText(err)}`);
}

interface Problem {
  title?: string;
  detail?: string;
  type?: string;
  messages: string[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Reads X's problem body (RFC 7807 `title`/`detail`/`type`, invalid-request `errors[].message`). */
function problemOf(data: unknown): Problem {
  if (!data || typeof data !== "object") return { messages: str(data) ? [String(data).slice(0, 200)] : [] };
  const d = data as Record<string, unknown>;
  const errors = Array.isArray(d.errors) ? (d.errors as unknown[]) : [];
  const messages = errors
    .map((e) => (e && typeof e === "object" ? str((e as Record<string, unknown>).message) ?? str((e as Record<string, unknown>).detail) : undefined))
    .filter((m): m is string => m !== undefined);
  return { title: str(d.title), detail: str(d.detail), type: str(d.type), messages };
}

/** "403 Forbidden: You are not allowed to …", without repeats. */
function describe(status: number, p: Problem): string {
  const parts = [...new Set([p.title, p.detail, ...p.messages].filter((s): s is string => s !== undefined))];
  return parts.length ? `${status} ${parts.join(": ")}` : `${status}`;
}

/** "400 Invalid Request: …: File size exceeds 5242880 bytes." for an X answer. Pure. */
export function describeXError(err: ApiResponseError): string {
  return describe(err.code, problemOf(err.data));
}

/**
 * A failed image upload comes before `POST /2/tweets`, so nothing was posted: what would be an
 * unknown outcome for a post (reset, timeout, abort, 5xx) is a failure of the image step, which
 * the core retries a few times and then posts without. Auth and rate limits keep their kind (the
 * same tokens and limits post the tweet).
 */
function fromUpload(err: XUploadError): DeliveryError {
  const doing = XUploadError.doing(err.step);
  return imageStepError(classifyX(err.cause), { failed: `${doing} to X failed`, refused: err.step === "upload" ? "X refused the image" : "X refused the image's alt text" }, err.refused);
}

function fromResponse(err: ApiResponseError): DeliveryError {
  const problem = problemOf(err.data);
  const detail = describe(err.code, problem);
  if (err.rateLimitError) return rateLimited(err, detail);
  if (err.code === 401 || err.isAuthError) {
    return deliveryError("auth", "X refused the credentials: check appKey, appSecret, accessToken and accessSecret (regenerate the access token if it was revoked)", { detail });
  }
  if (err.code === 403) {
    if (problem.detail === DUPLICATE_DETAIL) {
      return deliveryError("duplicate", "X already has a post with this exact text from this account", { detail });
    }
    if (problem.type === OAUTH1_PERMISSIONS) {
      return deliveryError("auth", 'the X app may not post: set its App permissions to "Read and write", then regenerate accessToken and accessSecret', { detail });
    }
    if (problem.type === CLIENT_FORBIDDEN) {
      return deliveryError("auth", "appKey/appSecret belong to an X app without API access for this endpoint: attach it to a Project in the developer portal", { detail });
    }
    return deliveryError("rejected", "X refused this post (403 Forbidden)", { detail });
  }
  if (err.code === 402) {
    return deliveryError("destination-broken", "X wants payment for API access (402): check the app's plan in the developer portal", { detail });
  }
  if (err.code === 404) {
    return deliveryError("destination-broken", "X has no POST /2/tweets at this address (404): check apiBase", { detail });
  }
  if (err.code >= 500) {
    return deliveryError("unknown-outcome", `X failed with ${err.code}; the post may or may not exist (X takes no idempotency key)`, { detail });
  }
  return deliveryError("rejected", `X refused this post (${err.code})`, { detail });
}

/**
 * 429: wait for the exhausted limit (https://docs.x.com/x-api/fundamentals/rate-limits; resets are
 * epoch seconds). `retryAt` is that reset; `waitMs` is measured from the response's `Date` header.
 * Per-user limits follow the access token, so every destination posting as this account shares them.
 */
function rateLimited(err: ApiResponseError, detail: string): DeliveryError {
  const rl = err.rateLimit;
  const limits = [
    { what: "the account's 24-hour post cap", limit: rl?.userDay },
    { what: "the app's 24-hour cap", limit: rl?.day },
    { what: "the 15-minute window", limit: rl },
  ].filter((l) => l.limit !== undefined && Number.isFinite(l.limit.reset) && l.limit.reset > 0);
  const exhausted = limits.filter((l) => l.limit?.remaining === 0);
  const chosen = (exhausted.length ? exhausted : limits).reduce<(typeof limits)[number] | undefined>(
    (best, l) => (!best || (l.limit?.reset ?? 0) > (best.limit?.reset ?? 0) ? l : best),
    undefined,
  );
  if (!chosen?.limit) {
    return deliveryError("rate-limited", "X rate limit reached; no reset time given, waiting 15 minutes", {
      detail, waitMs: DEFAULT_RATE_LIMIT_WAIT_MS, scope: "account",
    });
  }
  const retryAt = chosen.limit.reset * 1000;
  const dateHeader = err.headers?.date;
  const answeredAt = typeof dateHeader === "string" ? Date.parse(dateHeader) : Number.NaN;
  const waitMs = Number.isFinite(answeredAt) ? Math.max(0, retryAt - answeredAt) : undefined;
  return deliveryError("rate-limited", `X rate limit reached (${chosen.what}); posting resumes at ${new Date(retryAt).toISOString()}`, {
    detail, retryAt, scope: "account", ...(waitMs === undefined ? {} : { waitMs }),
  });
}

/**
 * twitter-api-v2 1.29 builds ApiRequestError with `{ error }` but its `requestError` getter reads
 * `requestError`, so the getter is always undefined: read both.
 */
function causeOf(err: ApiRequestError): (Error & { code?: unknown; errors?: unknown }) | undefined {
  const options = (err as unknown as { _options?: { error?: unknown; requestError?: unknown } })._options;
  const cause = err.requestError ?? options?.requestError ?? options?.error;
  return cause instanceof Error ? cause : undefined;
}

function codeOf(cause: (Error & { code?: unknown; errors?: unknown }) | undefined): string | undefined {
  if (typeof cause?.code === "string") return cause.code;
  // Node's happy-eyeballs connect raises an AggregateError of the per-address failures.
  const first = Array.isArray(cause?.errors) ? (cause.errors as Array<{ code?: unknown }>)[0] : undefined;
  return typeof first?.code === "string" ? first.code : undefined;
}

function fromRequestError(err: ApiRequestError): DeliveryError {
  const cause = causeOf(err);
  const code = codeOf(cause);
  const detail = [code, cause?.message ?? err.message].filter(Boolean).join(": ");
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return deliveryError("transient", "could not connect to X; nothing was posted", { detail });
  }
  if (cause?.name === "AbortError") {
    return deliveryError("unknown-outcome", "the send was aborted (send timeout or shutdown) after it may have reached X", { detail });
  }
  return deliveryError("unknown-outcome", "the connection to X broke during the request; the post may or may not exist", { detail });
}
