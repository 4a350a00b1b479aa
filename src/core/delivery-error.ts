/**
 * What a failed send means for delivery. Adapters produce it (`Adapter.classify`, a pure
 * function of the error their client threw); only the core decides what to do about it.
 *
 * - `transient`: the post was provably NOT accepted (connection refused, DNS failure, a
 *   documented "try again" answer). Safe to retry.
 * - `unknown-outcome`: the request may have been accepted (timeout or reset after the request
 *   was written, a 5xx). Retrying blindly could double-post: the row becomes `uncertain`,
 *   unless the adapter declares `capabilities.idempotentSend`.
 * - `rate-limited`: the platform said "too many"; wait `waitMs` before the next send in `scope`.
 * - `auth`: credentials refused; the destination is paused until the operator acts.
 * - `destination-broken`: the target is gone (deleted webhook, chat not found); paused too.
 * - `rejected`: the platform refused this content (too long, bad markup); no retry.
 * - `duplicate`: the platform says it already has this post; counted as sent.
 * - `processing`: the platform took the post and is still working on it (a media container not
 *   ready, a picture being downloaded); look again after `waitMs`. Not a failure and not an
 *   attempt: the row waits, its checkpoint kept, and the next send resumes from it.
 */
export type DeliveryErrorKind =
  | "transient"
  | "unknown-outcome"
  | "rate-limited"
  | "auth"
  | "destination-broken"
  | "rejected"
  | "duplicate"
  | "processing";

export interface DeliveryError {
  kind: DeliveryErrorKind;
  /** One line for operators: what happened, without secrets. */
  message: string;
  /** Platform's own code/description when it gave one (e.g. "400 Bad Request: chat not found"). */
  detail?: string;
  /** For `rate-limited`: milliseconds to wait before the next send in `scope`; for `processing`: before looking again. */
  waitMs?: number;
  /**
   * For `rate-limited`: when sending may resume, as epoch milliseconds, where the platform gives
   * an absolute reset (X's `x-rate-limit-reset`). The core waits until the later of this and `waitMs`.
   */
  retryAt?: number;
  /** For `rate-limited`: what the wait applies to. Defaults to the whole destination. */
  scope?: "destination" | "account";
  /**
   * "image": the failure came from attaching the article's image (its upload, or the post refused
   * for its attachment) and nothing was posted. The core gives the image `delivery.imageAttempts`
   * tries (`transient`, `unknown-outcome`), or none more (`rejected`: the platform refused it), then
   * posts without it and records why. Other kinds are about the account and ignore the stage.
   */
  stage?: "image";
}

/** Every kind, for exhaustive tables and validation. Pure data. */
export const DELIVERY_ERROR_KINDS: readonly DeliveryErrorKind[] = [
  "transient",
  "unknown-outcome",
  "rate-limited",
  "auth",
  "destination-broken",
  "rejected",
  "duplicate",
  "processing",
];

/** Builds a DeliveryError. Pure; never throws. */
export function deliveryError(
  kind: DeliveryErrorKind,
  message: string,
  extra: Omit<DeliveryError, "kind" | "message"> = {},
): DeliveryError {
  return { kind, message, ...extra };
}

/**
 * A failure of the image step (`stage: "image"`), from what the adapter's classify made of the
 * underlying error (`inner`) and, when the platform answered that it will not take this image,
 * its words (`refusal`). Pure; never throws.
 * - refused: `rejected` (the post goes without the image at once);
 * - the account's problems (`auth`, `rate-limited`, `destination-broken`) keep their kind: the post would fail too;
 * - no connection at all (`transient`: the platform is out of reach, not the image's fault): kept, no stage;
 * - anything else (a 5xx, a reset or timeout during the upload, an unreadable answer): `transient`
 *   with the stage, so the image gets its own few attempts.
 * Only for failures before anything was posted.
 */
export function imageStepError(inner: DeliveryError, words: { failed: string; refused: string }, refusal?: string): DeliveryError {
  if (refusal !== undefined) return { kind: "rejected", message: words.refused, detail: refusal, stage: "image" };
  if (inner.kind === "auth" || inner.kind === "rate-limited" || inner.kind === "destination-broken" || inner.kind === "transient") return inner;
  return { kind: "transient", message: words.failed, detail: inner.detail ?? inner.message, stage: "image" };
}

/** A one-line description of anything thrown. Pure; never throws (not even for `Object.create(null)`). */
export function errorText(err: unknown): string {
  try {
    if (err instanceof Error) return err.message || err.name;
    if (typeof err === "string") return err;
    if (err && typeof err === "object" && typeof (err as { message?: unknown }).message === "string") return (err as { message: string }).message;
    return JSON.stringify(err) ?? String(err);
  } catch {
    return "unknown error";
  }
}

/**
 * Node and undici network error codes raised before a request was written (no connection, no
 * name, an untrusted certificate, undici giving up connecting): the platform cannot have received
 * the post, so the error is `transient`. Any other network failure (a reset, a timeout after the
 * request went out) may have come after the platform took the post: `unknown-outcome`.
 */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID",
]);
