/**
 * TikTok's answers → DeliveryError. Pure; never throws. Every send failure reaches here as a
 * TikTokError (errors.ts) naming its step; what is not one is the kit's (network) or an unknown outcome.
 *
 * Codes, with the page each comes from (fixtures/ holds each body as documented):
 * - init: https://developers.tiktok.com/doc/content-posting-api-reference-photo-post, "Error codes" (snapshot fetched 2026-09-11)
 * - status: https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status ("Nested error struct", "Fail reasons")
 * - every v2 API: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling ("All Error Codes")
 * - token: https://developers.tiktok.com/doc/oauth-error-handling ("Error categories")
 */
import { deliveryError, type DeliveryError } from "../../src/core/delivery-error.js";
import { isHttpError } from "../../src/core/kit/http-error.js";
import { describeHttpError } from "../../src/core/kit/http-classify.js";
import { networkDeliveryError } from "../../src/core/kit/network-error.js";
import { rateLimitedError } from "../../src/core/kit/rate-limit-headers.js";
import { isTikTokError, type TikTokError } from "./errors.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** "Each user access_token is limited to six requests per minute" (init); no Retry-After is documented. */
export const RATE_LIMIT_WAIT_MS = MINUTE;
/** A pending publish is asked again this soon: the reference gives no time ("a time limit is not guaranteed"). */
export const PROCESSING_WAIT_MS = 15_000;
/** "at most 5 pending shares within any 24-hour period": a slot frees when the creator finishes or deletes a draft. */
export const PENDING_SHARES_WAIT_MS = HOUR;
/** "The daily post cap from API is reached" / "daily quota for active publishing users": a day's caps, asked again after 6 hours. */
export const DAILY_CAP_WAIT_MS = 6 * HOUR;

const scopeOf = (e: TikTokError) => (e.context.mode === "DIRECT_POST" ? "video.publish" : "video.upload");
const about = (e: TikTokError) => (e.context.publishId ? ` (publish_id ${e.context.publishId})` : "");

/** A step after init whose retry is safe only when the publish_id is saved (else a retry inits again). */
function afterInit(e: TikTokError, what: string, detail: string, extra: Partial<DeliveryError> = {}): DeliveryError {
  return e.context.checkpointed
    ? deliveryError("transient", `${what}; the publish_id is saved, the next try asks TikTok again${about(e)}`, { detail, ...extra })
    : deliveryError("unknown-outcome", `${what}; TikTok has the post${about(e)} but Crier could not save its publish_id, so a retry would post again`, { detail });
}

/** A picture TikTok would not take: the article's goes as an image-stage failure (the core retries or goes without it). */
function pictureRefused(e: TikTokError, detail: string, transient: boolean): DeliveryError {
  if (e.context.photo === "fallback") {
    return transient
      ? deliveryError("transient", "TikTok could not fetch the fallback picture (fallbackImageUrl); will try again", { detail })
      : deliveryError("rejected", "TikTok refused the fallback picture (fallbackImageUrl): use a JPEG or WebP of at most 1080 × 1920 px and 20 MB", { detail });
  }
  return transient
    ? deliveryError("transient", "TikTok could not fetch the article's picture", { detail, stage: "image" })
    : deliveryError("rejected", "TikTok refused the article's picture", { detail, stage: "image" });
}

/** FAILED publishes, by `fail_reason`: nothing was posted. */
function failReason(e: TikTokError, detail: string): DeliveryError {
  switch (e.code) {
    case "file_format_check_failed":
    case "picture_size_check_failed":
      return pictureRefused(e, detail, false);
    case "photo_pull_failed":
    case "video_pull_failed":
      return pictureRefused(e, detail, true);
    case "internal": // "Some parts of the TikTok server may currently be unavailable. This is a retryable error."
      return deliveryError("transient", "TikTok failed the publish with an internal error; a new try posts it again", { detail });
    case "url_ownership_unverified":
      return deliveryError("destination-broken", "TikTok says verifiedDomain is not verified for this app: verify it in the developer portal (Manage URL properties)", { detail });
    case "auth_removed":
      return deliveryError("auth", `the creator removed Crier's access in TikTok: authorise again (scope ${scopeOf(e)}) and put the new refresh token in the config`, { detail });
    case "spam_risk_too_many_posts":
      return deliveryError("rate-limited", "TikTok's daily post cap for this creator is reached", { detail, waitMs: DAILY_CAP_WAIT_MS });
    case "spam_risk_user_banned_from_posting":
      return deliveryError("destination-broken", "TikTok has banned this creator from posting", { detail });
    default: // spam_risk_text, spam_risk, publish_cancelled, and any reason not documented yet
      return deliveryError("rejected", `TikTok failed this publish (${e.code})`, { detail });
  }
}

function apiCode(e: TikTokError, detail: string): DeliveryError | undefined {
  const code = e.code === "invalid_param" ? "invalid_params" : e.code; // the photo page spells it invalid_param, the error page invalid_params
  switch (code) {
    case "access_token_invalid":
      return deliveryError("auth", "TikTok refused the access token even after a refresh: authorise Crier again", { detail });
    case "scope_not_authorized":
    case "scope_permission_missed":
      return deliveryError("auth", `the creator did not grant ${e.step === "creator_info" ? "video.publish" : scopeOf(e)} to this app: authorise again with that scope`, { detail });
    case "rate_limit_exceeded": {
      const limit = e.cause !== undefined && isHttpError(e.cause) ? e.cause.rateLimit : {};
      return rateLimitedError(limit, { what: `TikTok rate limit reached (${e.step})`, scope: "destination", defaultWaitMs: RATE_LIMIT_WAIT_MS, detail });
    }
    case "spam_risk_too_many_pending_share":
      return deliveryError("rate-limited", "5 drafts already wait in the creator's TikTok inbox (TikTok's cap per 24 h): finish or delete them in the app", { detail, waitMs: PENDING_SHARES_WAIT_MS });
    case "spam_risk_too_many_posts":
      return deliveryError("rate-limited", "TikTok's daily post cap for this creator is reached", { detail, waitMs: DAILY_CAP_WAIT_MS });
    case "reached_active_user_cap":
      return deliveryError("rate-limited", "TikTok's daily quota of posting creators for this app is reached", { detail, waitMs: DAILY_CAP_WAIT_MS, scope: "account" });
    case "spam_risk_user_banned_from_posting":
      return deliveryError("destination-broken", "TikTok has banned this creator from posting", { detail });
    case "unaudited_client_can_only_post_to_private_accounts":
      return deliveryError("destination-broken", "this app is not audited by TikTok, so it may post only to a private account: make the TikTok account private, or have the app audited", { detail });
    case "url_ownership_unverified":
      return deliveryError("destination-broken", "TikTok says the picture's domain is not verified for this app: verify verifiedDomain in the developer portal (Manage URL properties)", { detail });
    case "privacy_level_option_mismatch":
      return deliveryError("rejected", `TikTok refused privacyLevel for this post${e.context.allowed ? `; the creator allows ${e.context.allowed.join(", ")}` : ""}`, { detail });
    case "privacy_level_not_offered":
      return deliveryError("destination-broken", `privacyLevel is not offered by this creator's account; it allows ${e.context.allowed?.join(", ") || "nothing"}: change privacyLevel (or the account's settings)`, { detail });
    case "app_version_check_failed":
      return deliveryError("destination-broken", "MEDIA_UPLOAD needs TikTok app 31.8 or later on the creator's phone: update it", { detail });
    case "invalid_params":
      return deliveryError("rejected", `TikTok refused the ${e.step} request as invalid`, { detail });
    case "invalid_publish_id":
    case "token_not_authorized_for_specified_publish_id":
      return deliveryError("unknown-outcome", `TikTok does not know this delivery's publish_id${about(e)} for this account: check the creator's inbox and profile, then resolve it`, { detail });
    case "internal_error":
      // Init: "Any code other than ok indicates the request did not succeed" and "Try again later".
      // A draft made twice waits for a person; a public post made twice does not: DIRECT_POST asks the operator.
      if (e.step !== "init") return undefined;
      return e.context.mode === "MEDIA_UPLOAD"
        ? deliveryError("transient", "TikTok answered internal_error to the init (the request did not succeed, says the reference); will try again", { detail })
        : deliveryError("unknown-outcome", "TikTok answered internal_error to a DIRECT_POST init; it says nothing was made, but a second try could publish twice", { detail });
    default:
      return undefined;
  }
}

/** The OAuth token endpoint's `error` categories. */
function tokenCode(e: TikTokError, detail: string): DeliveryError {
  if (e.code === "server_error" || e.code === "temporarily_unavailable" || e.code === undefined || (e.status ?? 0) >= 500) {
    return deliveryError("transient", "TikTok's token endpoint failed; nothing was posted, the refresh is tried again", { detail });
  }
  if (e.code === "invalid_client") return deliveryError("auth", "TikTok refused clientKey/clientSecret (developer portal → App credentials)", { detail });
  return deliveryError("auth", `TikTok refused the refresh token (${e.code}: expired, revoked or already used): authorise Crier again and put the new refresh token in the config`, { detail });
}

function words(e: TikTokError): string {
  const cause = e.cause !== undefined && isHttpError(e.cause) ? describeHttpError(e.cause) : "";
  return [e.code, e.words || cause].filter(Boolean).join(": ").slice(0, 300);
}

export function classifyTikTok(err: unknown): DeliveryError | undefined {
  if (!isTikTokError(err)) return undefined;
  const detail = words(err);
  if (err.step === "checkpoint" && err.code === "checkpoint_not_replaced") {
    return deliveryError("transient", `the FAILED publish${about(err)} could not be replaced in the checkpoint before a new init; nothing was posted`, { detail });
  }
  if (err.step === "checkpoint") return deliveryError("unknown-outcome", `TikTok made the post${about(err)} but its publish_id could not be saved; a retry would post again`, { detail });
  if (err.step === "photo") return pictureRefused(err, detail, false);
  if (err.failed) return failReason(err, detail);
  if (err.code === "PROCESSING_DOWNLOAD" || err.code === "PROCESSING_UPLOAD") {
    // Not a failure: TikTok has the post. With the publish_id saved, the core looks again later.
    return err.context.checkpointed
      ? deliveryError("processing", `TikTok is still fetching the picture (${err.code}); the saved publish_id${about(err)} is asked again`, { detail, waitMs: PROCESSING_WAIT_MS })
      : afterInit(err, `TikTok is still fetching the picture (${err.code})`, detail);
  }
  if (err.step === "token") return tokenCode(err, detail);
  // Whatever stopped a status read, a retry without the saved publish_id would init again.
  if (err.step === "status" && !err.context.checkpointed) return afterInit(err, `TikTok's publish status could not be read (${err.code ?? "network"})`, detail);
  const known = apiCode(err, detail);
  if (known) return known;
  // Not TikTok's own code: a network failure, an unreadable answer, a status without TikTok's error object.
  if (err.step === "status") return afterInit(err, "TikTok's publish status could not be read", detail);
  if (err.step !== "init") return deliveryError("transient", `the ${err.step} request failed before anything was posted`, { detail });
  const network = networkDeliveryError(err.cause, { platform: "TikTok", retryNote: "the init takes no idempotency key" });
  if (network) return network;
  if (err.status !== undefined && err.status >= 400 && err.status < 500) return deliveryError("rejected", `TikTok refused the init (${err.status})`, { detail });
  return deliveryError("unknown-outcome", "TikTok's answer to the init was lost or unreadable; the post may or may not exist (no idempotency key)", { detail });
}
