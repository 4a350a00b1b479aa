/**
 * The usual meaning of an HTTP status for a post, for an adapter's `classify` to fall back on once
 * it has matched its platform's own codes (each with its doc link and fixture, in the adapter).
 * Pure; never throws.
 */
import { deliveryError, type DeliveryError } from "../delivery-error.js";
import type { HttpError } from "./http-error.js";
import { rateLimitedError } from "./rate-limit-headers.js";

export interface StatusWording {
  /** "Example", "Discord". */
  platform: string;
  /** What to do about refused credentials: "check token (Settings → API tokens) and apiBase". */
  fixAuth: string;
  /** What to do about a missing target: "check channel and apiBase". */
  fixTarget: string;
  /** 403: credentials that lack a right ("auth", the default) or a target that refuses them ("destination-broken"). */
  forbidden?: "auth" | "destination-broken";
  /** Who a 429 holds (default "destination") and how long when it names no wait (the platform's documented window). */
  rateLimit: { scope?: "destination" | "account"; defaultWaitMs: number };
  /** Appended to unknown outcomes, e.g. "no idempotency key" or "a retry with the same key cannot post twice". */
  retryNote?: string;
}

/** The platform's words for `detail`: the status and the body's message fields, or its text. */
export function describeHttpError(err: HttpError): string {
  const b = err.body;
  let words = "";
  if (b && typeof b === "object") {
    const o = b as Record<string, unknown>;
    words = [o.code, o.error, o.message, o.description, o.title, o.detail].filter((v) => (typeof v === "string" && v !== "") || typeof v === "number").join(" ");
  } else if (typeof b === "string") {
    words = b.replace(/\s+/g, " ").trim().slice(0, 200);
  }
  return `${err.status}${words ? ` ${words}` : ""}`;
}

/**
 * 429 → rate-limited (the answer's headers, read once); 401 → auth; 403 → auth or
 * destination-broken; 404, 410 and 3xx → destination-broken; 5xx → unknown-outcome; other 4xx →
 * rejected. Pure; never throws.
 */
export function statusDeliveryError(err: HttpError, w: StatusWording): DeliveryError {
  const detail = describeHttpError(err);
  const { status } = err;
  if (status === 429) {
    return rateLimitedError(err.rateLimit, { what: `${w.platform} rate limit reached`, scope: w.rateLimit.scope ?? "destination", defaultWaitMs: w.rateLimit.defaultWaitMs, detail });
  }
  if (status === 401) return deliveryError("auth", `${w.platform} refused the credentials (401): ${w.fixAuth}`, { detail });
  if (status === 403) {
    return (w.forbidden ?? "auth") === "auth"
      ? deliveryError("auth", `${w.platform} does not let these credentials do this (403): ${w.fixAuth}`, { detail })
      : deliveryError("destination-broken", `${w.platform} refuses posts to this target (403): ${w.fixTarget}`, { detail });
  }
  if (status === 404 || status === 410) return deliveryError("destination-broken", `${w.platform} has no such target (${status}): ${w.fixTarget}`, { detail });
  if (status >= 500) {
    return deliveryError("unknown-outcome", `${w.platform} failed with ${status}; the post may or may not exist${w.retryNote ? ` (${w.retryNote})` : ""}`, { detail });
  }
  if (status >= 400) return deliveryError("rejected", `${w.platform} refused this post (${status})`, { detail });
  return deliveryError("destination-broken", `unexpected ${status} answer from ${w.platform} (a redirect?): check the API address`, { detail });
}
