/**
 * What the PDS's own answers mean, from @atproto/api's XRPCError (`status`, `error`, `headers`).
 * Pure: no clock (a rate-limit wait is measured from the answer's own `Date`), no I/O; never throws.
 * Fixtures: fixtures/*.json. Network failures (XRPCError status 1 around fetch's error) are the kit's
 * (src/core/kit/network-error.ts).
 */
import { deliveryError, errorText, imageStepError, networkDeliveryError, rateLimitedError, readRateLimit, type DeliveryError } from "../../src/core/index.js";
import { BlueskyImageError, RecordKeyTakenError } from "./errors.js";

/** Wait when a 429 carries no reset: the shortest window the PDS counts in (createSession: 5 minutes). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

/** How the kit words the PDS's network failures: a retry is safe, the record key is the delivery's. */
export const BLUESKY_NETWORK = { retryNote: "a retry writes to the same record key, so it cannot post twice" };

/** Account states the PDS reports by error name (auth-verifier.ts, createSession.ts): the operator must act. */
const ACCOUNT_GONE = new Set(["AccountTakedown", "AccountDeactivated", "AccountNotFound", "RepoTakendown", "RepoDeactivated", "RepoSuspended"]);

/** A token the PDS refused (fixtures/400-expired-token.json, 400-invalid-token.json). */
export const TOKEN_REFUSED: ReadonlySet<string> = new Set(["ExpiredToken", "InvalidToken"]);

/** The fields of @atproto/xrpc's XRPCError that classify reads. */
export interface XrpcLike {
  status: number;
  error: string;
  message: string;
  headers?: Record<string, string | undefined>;
  cause?: unknown;
}

/**
 * XRPCError recognised by its shape, not instanceof: no SDK at import (index.ts stays light), and a
 * nested copy of @atproto/xrpc is recognised too. XRPCError sets `success: false`, `status`, `error`. Pure.
 */
export function isXrpcError(err: unknown): err is Error & XrpcLike {
  const e = err as (Partial<XrpcLike> & { success?: unknown }) | null;
  return err instanceof Error && typeof e?.status === "number" && typeof e.error === "string" && e.success === false;
}

/** "413 PayloadTooLarge: request entity too large", as details are worded. Pure. */
export function describeXrpc(x: XrpcLike): string {
  return x.message && x.message !== x.error ? `${x.status} ${x.error}: ${x.message}` : `${x.status} ${x.error}`;
}

/**
 * 429 RateLimitExceeded (https://docs.bsky.app/docs/advanced-guides/rate-limits): `ratelimit-reset`
 * in epoch seconds (fixtures/429-create-session.json), read by the kit; the wait is measured from
 * the answer's `Date`. The PDS counts per account, so every destination posting as it shares the wait.
 */
function rateLimited(x: XrpcLike, detail: string): DeliveryError {
  const policy = x.headers?.["ratelimit-policy"] ? ` (policy ${x.headers["ratelimit-policy"]})` : "";
  return rateLimitedError(readRateLimit(x.headers), { what: `Bluesky rate limit reached${policy}`, scope: "account", defaultWaitMs: DEFAULT_RATE_LIMIT_WAIT_MS, detail });
}

function known(err: unknown): DeliveryError | undefined {
  if (err instanceof RecordKeyTakenError) {
    return deliveryError("rejected", "the record key of this delivery already holds a different post: is another program posting to this account with Crier's keys?", { detail: err.message });
  }
  if (!isXrpcError(err) || err.status === 1) return undefined; // status 1: no answer at all (the kit's)
  const detail = describeXrpc(err);
  if (err.status === 2) return deliveryError("unknown-outcome", "the PDS answered with something that is not a valid XRPC response; the post may exist", { detail });
  if (err.status === 429) return rateLimited(err, detail);
  if (ACCOUNT_GONE.has(err.error)) {
    return deliveryError("destination-broken", `the Bluesky account cannot post (${err.error}): check it in the Bluesky app`, { detail });
  }
  if (TOKEN_REFUSED.has(err.error)) {
    // Refused before anything was written. The connection refreshes the session, and logs in again
    // when the PDS revokes it, so this only reaches here when that refresh itself failed (network).
    return deliveryError("transient", "the Bluesky session token was refused and could not be refreshed yet; nothing was posted", { detail });
  }
  if (err.status === 401 || err.status === 403) {
    return deliveryError("auth", "Bluesky refused the credentials: check handle and appPassword (an app password revoked under Settings → Privacy and security → App passwords must be replaced)", { detail });
  }
  if (err.status === 404) {
    return deliveryError("destination-broken", "the service URL does not answer XRPC calls (404): check service (the account's PDS, or https://bsky.social)", { detail });
  }
  if (err.status >= 500) {
    return deliveryError("unknown-outcome", `the PDS failed (${err.status}); the post may exist, and a retry writes to the same record key, so it cannot post twice`, { detail });
  }
  return deliveryError("rejected", `Bluesky refused this post (${err.status} ${err.error})`, { detail });
}

/** The PDS's own answers as a DeliveryError; undefined for anything else (the kit's). Pure; never throws. */
export function classifyBluesky(err: unknown): DeliveryError | undefined {
  if (err instanceof BlueskyImageError) {
    const inner = known(err.cause) ?? networkDeliveryError(err.cause, { platform: "the PDS", ...BLUESKY_NETWORK })
      ?? deliveryError("unknown-outcome", "the image upload failed unexpectedly", { detail: errorText(err.cause).slice(0, 300) });
    return imageStepError(inner, { failed: "uploading the image to Bluesky failed", refused: "Bluesky refused the image" }, err.refused);
  }
  return known(err);
}
