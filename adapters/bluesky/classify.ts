/**
 * What a failed Bluesky call means, from @atproto/api's XRPCError (`status`, `error`, `headers`,
 * and for network failures the `cause` fetch threw). Pure: no clock (a rate-limit wait is measured
 * from the response's own `Date` header), no I/O; never throws. Fixtures: fixtures/*.json.
 */
import { deliveryError, errorText, imageStepError, type DeliveryError, NOT_SENT_CODES } from "../../src/core/index.js";
import { BlueskyImageError, RecordKeyTakenError } from "./errors.js";

/** Wait when a 429 carries no reset: the shortest window the PDS counts in (createSession: 5 minutes). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

/** Account states the PDS reports by error name (auth-verifier.ts, createSession.ts): the operator must act. */
const ACCOUNT_GONE = new Set(["AccountTakedown", "AccountDeactivated", "AccountNotFound", "RepoTakendown", "RepoDeactivated", "RepoSuspended"]);

/** A token the PDS refused (fixtures/400-expired-token.json, 400-invalid-token.json). */
const TOKEN_REFUSED = new Set(["ExpiredToken", "InvalidToken"]);

interface XrpcLike {
  status: number;
  error: string;
  message: string;
  headers?: Record<string, string | undefined>;
  cause?: unknown;
}

function asXrpc(err: unknown): XrpcLike | undefined {
  // XRPCError recognised by its shape, not instanceof: no SDK at import (index.ts stays light), and a
  // nested copy of @atproto/xrpc is recognised too. XRPCError sets `success: false`, `status`, `error`.
  const e = err as Partial<XrpcLike> & { success?: unknown } | null;
  if (err instanceof Error && typeof e?.status === "number" && typeof e.error === "string" && e.success === false) return e as XrpcLike;
  return undefined;
}

export function classifyBluesky(err: unknown): DeliveryError {
  if (err instanceof BlueskyImageError) {
    return imageStepError(classifyBluesky(err.cause), { failed: "uploading the image to Bluesky failed", refused: "Bluesky refused the image" }, err.refused);
  }
  if (err instanceof RecordKeyTakenError) {
    return deliveryError("rejected", "the record key of this delivery already holds a different post: is another program posting to this account with Crier's keys?", { detail: err.message });
  }
  const x = asXrpc(err);
  if (!x) return deliveryError("unknown-outcome", `unexpected error while posting to Bluesky; the post may or may not exist: ${errorText(err)}`);
  const detail = x.message && x.message !== x.error ? `${x.status} ${x.error}: ${x.message}` : `${x.status} ${x.error}`;
  if (x.status === 1) return fromNetwork(x);
  if (x.status === 2) return deliveryError("unknown-outcome", "the PDS answered with something that is not a valid XRPC response; the post may exist", { detail });
  if (x.status === 429) return rateLimited(x, detail);
  if (ACCOUNT_GONE.has(x.error)) {
    return deliveryError("destination-broken", `the Bluesky account cannot post (${x.error}): check it in the Bluesky app`, { detail });
  }
  if (TOKEN_REFUSED.has(x.error)) {
    // Refused before anything was written. The connection refreshes the session, and logs in again
    // when the PDS revokes it, so this only reaches here when that refresh itself failed (network).
    return deliveryError("transient", "the Bluesky session token was refused and could not be refreshed yet; nothing was posted", { detail });
  }
  if (x.status === 401 || x.status === 403) {
    return deliveryError("auth", "Bluesky refused the credentials: check handle and appPassword (an app password revoked under Settings → Privacy and security → App passwords must be replaced)", { detail });
  }
  if (x.status === 404) {
    return deliveryError("destination-broken", "the service URL does not answer XRPC calls (404): check service (the account's PDS, or https://bsky.social)", { detail });
  }
  if (x.status >= 500) {
    return deliveryError("unknown-outcome", `the PDS failed (${x.status}); the post may exist, and a retry writes to the same record key, so it cannot post twice`, { detail });
  }
  return deliveryError("rejected", `Bluesky refused this post (${x.status} ${x.error})`, { detail });
}

/**
 * 429 RateLimitExceeded (https://docs.bsky.app/docs/advanced-guides/rate-limits): `ratelimit-reset`
 * is epoch seconds (fixtures/429-create-session.json); `waitMs` is measured from the `Date` header.
 * The PDS counts per account (DID or handle), so every destination posting as it shares the wait.
 */
function rateLimited(x: XrpcLike, detail: string): DeliveryError {
  const h = x.headers ?? {};
  const reset = Number(h["ratelimit-reset"]);
  const policy = h["ratelimit-policy"] ? ` (policy ${h["ratelimit-policy"]})` : "";
  if (!Number.isFinite(reset) || reset <= 0) {
    return deliveryError("rate-limited", `Bluesky rate limit reached${policy}; no reset time given, waiting 5 minutes`, {
      detail, waitMs: DEFAULT_RATE_LIMIT_WAIT_MS, scope: "account",
    });
  }
  const retryAt = reset * 1000;
  const answeredAt = h.date ? Date.parse(h.date) : Number.NaN;
  const waitMs = Number.isFinite(answeredAt) ? Math.max(0, retryAt - answeredAt) : undefined;
  return deliveryError("rate-limited", `Bluesky rate limit reached${policy}; posting resumes at ${new Date(retryAt).toISOString()}`, {
    detail, retryAt, scope: "account", ...(waitMs === undefined ? {} : { waitMs }),
  });
}

/** Every error in the cause chain of a failed fetch (TypeError "fetch failed" → cause → AggregateError.errors). */
function causes(err: unknown): Array<{ code?: unknown; name?: unknown; message?: unknown }> {
  const out: Array<{ code?: unknown; name?: unknown; message?: unknown }> = [];
  const queue: unknown[] = [err];
  while (queue.length && out.length < 20) {
    const e = queue.shift();
    if (!e || typeof e !== "object") continue;
    out.push(e as { code?: unknown });
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return out;
}

function fromNetwork(x: XrpcLike): DeliveryError {
  const chain = causes(x.cause);
  const code = chain.map((c) => c.code).find((c): c is string => typeof c === "string");
  const deepest = chain.at(-1);
  const detail = [code, typeof deepest?.message === "string" ? deepest.message : x.message].filter(Boolean).join(": ");
  const names = chain.map((c) => c.name);
  if (names.includes("TimeoutError")) {
    return deliveryError("unknown-outcome", "the PDS did not answer in time; the post may exist, and a retry writes to the same record key", { detail });
  }
  if (names.includes("AbortError")) {
    return deliveryError("unknown-outcome", "the send was aborted (send timeout or shutdown) after it may have reached the PDS", { detail });
  }
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return deliveryError("transient", "could not connect to the PDS; nothing was posted", { detail });
  }
  return deliveryError("unknown-outcome", "the connection to the PDS broke during the request; the post may or may not exist", { detail });
}
