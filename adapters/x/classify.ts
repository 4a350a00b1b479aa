/**
 * What a failed X send means, from twitter-api-v2's typed errors: X's own answers. Pure apart from
 * the clock a 429 without a `Date` header is measured from; never throws. Network failures
 * (twitter-api-v2's ApiRequestError around the socket error, an aborted signal) are the kit's
 * (defineAdapter), and anything else is an unknown outcome.
 */
import type { ApiPartialResponseError, ApiRequestError, ApiResponseError } from "twitter-api-v2";
import type { DeliveryError } from "../../src/core/index.js";
import { deliveryError, errorChain, errorText, imageStepError, networkDeliveryError, networkFailure, rateLimitedError, readRateLimit } from "../../src/core/index.js";

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

/** How the kit words this platform's network failures (defineAdapter's `network`). */
export const X_NETWORK = { retryNote: "X takes no idempotency key" };
const WORDING = { platform: "X", ...X_NETWORK };

/** The limit a 429 names, by the header family the kit read it from (https://docs.x.com/x-api/fundamentals/rate-limits). */
const LIMITS: Record<string, string> = {
  "x-user-limit-24hour": "the account's 24-hour post cap",
  "x-app-limit-24hour": "the app's 24-hour cap",
  "x-rate-limit": "the 15-minute window",
};

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
 * not instanceof, so that nothing here loads the SDK.
 */
export function isApiError<T extends keyof ApiErrors>(err: unknown, type: T): err is ApiErrors[T] {
  const e = err as { error?: unknown; type?: unknown };
  return err instanceof Error && e.error === true && e.type === type;
}

/** X's own answers; undefined for anything else (network failures are the kit's). */
export function classifyX(err: unknown): DeliveryError | undefined {
  if (err instanceof XUploadError) return fromUpload(err);
  if (isApiError(err, "response")) return fromResponse(err);
  if (isApiError(err, "partial-response")) {
    return deliveryError("unknown-outcome", "X's answer was cut off or unreadable; the post may or may not exist", {
      detail: `HTTP ${err.response?.statusCode ?? "?"}: ${err.message}`,
    });
  }
  // A request that failed without a socket error the kit can read ("Socket closed without any information."):
  // it was written, so it may have arrived.
  if (isApiError(err, "request") && networkFailure(err) === undefined) {
    return deliveryError("unknown-outcome", `the request to X broke before X answered; the post may or may not exist (${X_NETWORK.retryNote})`, { detail: errorText(errorChain(err).at(-1) ?? err) });
  }
  return undefined;
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
  const cause = classifyX(err.cause) ?? networkDeliveryError(err.cause, WORDING) ?? deliveryError("unknown-outcome", `unexpected error from X: ${errorText(err.cause)}`);
  const doing = XUploadError.doing(err.step);
  return imageStepError(cause, { failed: `${doing} to X failed`, refused: err.step === "upload" ? "X refused the image" : "X refused the image's alt text" }, err.refused);
}

function fromResponse(err: ApiResponseError): DeliveryError {
  const problem = problemOf(err.data);
  const detail = describe(err.code, problem);
  // https://docs.x.com/x-api/fundamentals/rate-limits: wait for the exhausted limit (the kit reads
  // x-rate-limit-* and the 24-hour caps, resets in epoch seconds, measured from the answer's Date).
  // Per-user limits follow the access token, so every destination posting as this account shares them.
  if (err.rateLimitError || err.code === 429) {
    const info = readRateLimit(err.headers, Date.now());
    const which = info.source ? LIMITS[info.source] : undefined;
    return rateLimitedError(info, { what: `X rate limit reached${which ? ` (${which})` : ""}`, scope: "account", defaultWaitMs: DEFAULT_RATE_LIMIT_WAIT_MS, detail });
  }
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
    return deliveryError("unknown-outcome", `X failed with ${err.code}; the post may or may not exist (${X_NETWORK.retryNote})`, { detail });
  }
  return deliveryError("rejected", `X refused this post (${err.code})`, { detail });
}
