/**
 * What Example's own errors mean for delivery. Pure: no clock, no I/O; never throws.
 *
 * Only the platform's answers are read here (the kit's HttpError: status, body, rate-limit
 * headers, all read once by the JSON client). Everything else returns undefined: defineAdapter
 * then asks the kit's network classifier (`transient` only when the request provably never left),
 * and anything left is an `unknown-outcome`.
 *
 * The HTTP status decides the kind; `error.code` (https://docs.example.com/api/errors, read
 * 2026-05-13) refines it only where one status covers cases that need a different operator action.
 * COPYING: cite the platform's error page and the date for every rule, keep one recorded response
 * in fixtures/ per rule that matches a code or a description string, and match such strings
 * exactly, here and nowhere else.
 */
import { deliveryError, isHttpError, statusDeliveryError, type DeliveryError } from "../../src/core/index.js";

/** 409 `error.code` for a text already posted to the channel (fixtures/409-duplicate-post.json). */
export const DUPLICATE_CODE = "duplicate_post";

/** When a 429 carries no usable Retry-After. COPYING: the platform's documented window. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** Example takes no idempotency key: anything that may have reached it is never retried blindly. */
export const EXAMPLE_RETRY_NOTE = "Example takes no idempotency key";

/** `{"error": {"code", "message"}}` (https://docs.example.com/api/errors). */
interface ExampleErrorBody {
  error?: { code?: string; message?: string };
}

/** Example's own answers → DeliveryError; undefined for anything that is not one. Pure; never throws. */
export function classifyExample(err: unknown): DeliveryError | undefined {
  if (!isHttpError(err)) return undefined;
  const code = (err.body as ExampleErrorBody | null | undefined)?.error?.code;
  if (err.status === 409 && code === DUPLICATE_CODE) {
    return deliveryError("duplicate", "Example already has this post in the channel", { detail: `409 ${code}` });
  }
  // https://docs.example.com/api/rate-limits: "429 with Retry-After: the seconds to wait"; limits are per token.
  return statusDeliveryError(err, {
    platform: "Example",
    fixAuth: "check token (Example → Settings → API tokens; it needs the posts:write scope) and apiBase",
    fixTarget: "check channel and apiBase",
    rateLimit: { scope: "account", defaultWaitMs: DEFAULT_RATE_LIMIT_WAIT_MS },
    retryNote: EXAMPLE_RETRY_NOTE,
  });
}
