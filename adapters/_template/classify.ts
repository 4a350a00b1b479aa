/**
 * What a failed Example send means for delivery. Pure: no clock, no I/O; never throws.
 *
 * The HTTP status decides the kind; `error.code` (https://docs.example.com/api/errors) refines it
 * only where one status covers cases that need a different operator action. COPYING: cite the
 * platform's error page for every rule, keep one recorded response in fixtures/ per rule that
 * matches a code or a description string, and match such strings exactly, here and nowhere else.
 *
 * Example takes no idempotency key, so anything that may have reached it (a 5xx, a reset, a
 * timeout, an abort) is `unknown-outcome`, never `transient`: a blind retry could post twice.
 */
import { deliveryError, errorText, type DeliveryError, NOT_SENT_CODES } from "../../src/core/index.js";
import { ExampleApiError, ExampleResponseError } from "./send.js";

/** 409 `error.code` for a text already posted to the channel (fixtures/409-duplicate-post.json). */
export const DUPLICATE_CODE = "duplicate_post";

/** When a 429 carries no usable Retry-After. COPYING: the platform's documented window. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

const FIX_TOKEN = "check token (Example → Settings → API tokens; it needs the posts:write scope) and apiBase";

/** Maps whatever `send` threw to a DeliveryError. Pure; never throws. */
export function classifyExample(err: unknown): DeliveryError {
  try {
    if (err instanceof ExampleApiError) return fromStatus(err);
    if (err instanceof ExampleResponseError) {
      return deliveryError("unknown-outcome", "Example accepted the post but its answer was unreadable; the post probably exists", { detail: err.message });
    }
    return fromNetwork(err);
  } catch {
    return deliveryError("unknown-outcome", "unexpected error while posting to Example; the post may or may not exist");
  }
}

function fromStatus(err: ExampleApiError): DeliveryError {
  const { status, code } = err;
  const detail = [String(status), code, err.description].filter(Boolean).join(" ");
  // https://docs.example.com/api/rate-limits: "429 with Retry-After: the seconds to wait"; limits are per token.
  if (status === 429) {
    const seconds = /^\d+$/.test(err.retryAfter?.trim() ?? "") ? Number(err.retryAfter) : undefined;
    const waitMs = seconds === undefined ? DEFAULT_RATE_LIMIT_WAIT_MS : seconds * 1000;
    return deliveryError("rate-limited", `Example rate limit reached; retry after ${Math.round(waitMs / 1000)} s`, { detail, waitMs, scope: "account" });
  }
  if (status === 401 || status === 403) return deliveryError("auth", `Example refused the token: ${FIX_TOKEN}`, { detail });
  if (status === 404) return deliveryError("destination-broken", "Example has no such channel (or apiBase is wrong): check channel and apiBase", { detail });
  if (status === 409 && code === DUPLICATE_CODE) return deliveryError("duplicate", "Example already has this post in the channel", { detail });
  if (status >= 500) return deliveryError("unknown-outcome", `Example failed with ${status}; the post may or may not exist`, { detail });
  if (status >= 400) return deliveryError("rejected", `Example refused this post (${status})`, { detail });
  return deliveryError("destination-broken", `unexpected ${status} answer (a redirect?): check apiBase`, { detail });
}

/** The socket error's code: on the error, its `cause` (global fetch), or happy-eyeballs' AggregateError. */
function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown }; errors?: Array<{ code?: unknown }> } | null;
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  return typeof first?.code === "string" ? first.code : undefined;
}

function fromNetwork(err: unknown): DeliveryError {
  const code = codeOf(err);
  const detail = [code, errorText(err)].filter(Boolean).join(": ");
  const name = (err as { name?: unknown } | null)?.name;
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return deliveryError("transient", `cannot reach Example (${code}); nothing was posted`, { detail });
  }
  if (name === "AbortError" || name === "TimeoutError") {
    return deliveryError("unknown-outcome", "the send timed out or was cancelled after it may have reached Example", { detail });
  }
  // Reset (UND_ERR_SOCKET, ECONNRESET), headers/body timeouts, anything unexpected: may have been posted.
  return deliveryError("unknown-outcome", `the connection to Example failed${code ? ` (${code})` : ""}; the post may or may not exist`, { detail });
}
