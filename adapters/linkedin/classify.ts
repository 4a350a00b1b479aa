/**
 * What LinkedIn's answers mean for delivery. Pure; never throws. Network failures are the kit's.
 *
 * Error body (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling):
 * `{ status, serviceErrorCode, message }`, plus a string `code` on the versioned endpoints. Each
 * rule below has its answer in fixtures/, with where it was seen.
 */
import { deliveryError, imageStepError, isHttpError, networkDeliveryError, rateLimitedError, statusDeliveryError, type DeliveryError, type HttpError } from "../../src/core/index.js";
import { LINKEDIN_DEFAULT_VERSION } from "./versions.js";

interface ErrorBody {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
  errorDetails?: { inputErrors?: Array<{ code?: string }> };
}

/** A failure while attaching the thumbnail, before anything was posted (send.ts). */
export class LinkedInImageError extends Error {
  override name = "LinkedInImageError";
  constructor(
    readonly step: "initializeUpload" | "upload",
    override readonly cause: unknown,
    /** Set when LinkedIn (or Crier, for an upload URL it will not send the token to) refuses this image. */
    readonly refusal?: string,
  ) {
    super(`LinkedIn image ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Renewing the access token failed (client.ts). It runs before any post call or after LinkedIn
 * answered 401 to one, so nothing was posted by this attempt.
 */
export class LinkedInRefreshError extends Error {
  override name = "LinkedInRefreshError";
  constructor(override readonly cause: unknown) {
    super(`renewing the LinkedIn access token failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const FIX_TOKEN = "authorise the app again and update accessToken (member tokens last 60 days; apps approved for refresh tokens can set refreshToken, clientId and clientSecret)";
const DAY = 86_400_000;

/** "These limits reset at midnight UTC every day" (…/shared/api-guide/concepts/rate-limits): the next 00:00 UTC after LinkedIn's own Date. */
function dailyReset(err: HttpError): DeliveryError {
  const detail = describe(err);
  const what = "LinkedIn's daily limit for this member or app was reached";
  if (err.rateLimit.waitMs !== undefined || err.rateLimit.retryAt !== undefined) return rateLimitedError(err.rateLimit, { what, scope: "account", defaultWaitMs: DAY, detail });
  const answered = Date.parse(err.headers.date ?? "");
  if (!Number.isFinite(answered)) return rateLimitedError({}, { what: `${what} (it resets at 00:00 UTC)`, scope: "account", defaultWaitMs: DAY, detail });
  const retryAt = (Math.floor(answered / DAY) + 1) * DAY;
  return deliveryError("rate-limited", `${what}; it resets at ${new Date(retryAt).toISOString()} (00:00 UTC)`, { waitMs: retryAt - answered, retryAt, scope: "account", detail });
}

function describe(err: HttpError): string {
  const b = (err.body ?? {}) as ErrorBody;
  const words = typeof err.body === "string" ? err.body.slice(0, 200) : [b.code, b.serviceErrorCode, b.message].filter((v) => v !== undefined).join(" ");
  return `${err.request.method} ${err.request.route}: ${err.status}${words ? ` ${words}` : ""}`;
}

/** LinkedIn's answer to one request → a DeliveryError. */
function fromHttp(err: HttpError): DeliveryError {
  const b = (err.body && typeof err.body === "object" ? err.body : {}) as ErrorBody;
  const detail = describe(err);
  if (err.request.route.includes("/accessToken")) {
    return deliveryError("auth", "LinkedIn refused the refresh token (expired after a year, revoked, or clientId/clientSecret wrong): authorise again and update accessToken and refreshToken", { detail });
  }
  if (err.status === 401) {
    const why = b.code === "REVOKED_ACCESS_TOKEN" || b.serviceErrorCode === 65601 ? "was revoked by the member" : b.code === "EXPIRED_ACCESS_TOKEN" || b.serviceErrorCode === 65602 ? "has expired" : "is not valid";
    return deliveryError("auth", `LinkedIn says the access token ${why}: ${FIX_TOKEN}`, { detail });
  }
  if (err.status === 403) {
    // The route names an organization author (send.ts): a page the member has no role on, or an app without w_organization_social.
    return err.request.route.includes("organization")
      ? deliveryError("destination-broken", "LinkedIn does not let this member post for the organization (needs ADMINISTRATOR, DIRECT_SPONSORED_CONTENT_POSTER or CONTENT_ADMIN on the page, and w_organization_social): check author", { detail })
      : deliveryError("auth", "LinkedIn refused the token for this (403): it needs w_member_social, and author must be the token's own member (urn:li:person:<sub>)", { detail });
  }
  if (err.status === 426 || b.code === "NONEXISTENT_VERSION") {
    return deliveryError("destination-broken", `LinkedIn no longer serves this LinkedIn-Version (426): set linkedinVersion to ${LINKEDIN_DEFAULT_VERSION} or a newer active version`, { detail });
  }
  if (b.code === "VERSION_MISSING") return deliveryError("destination-broken", "LinkedIn received no LinkedIn-Version header: a proxy at apiBase drops it", { detail });
  if (err.status === 422 && (b.errorDetails?.inputErrors?.some((e) => e.code === "DUPLICATE_POST") || /duplicate of urn:li:/i.test(b.message ?? ""))) {
    const urn = /urn:li:[A-Za-z]+:\d+/.exec(b.message ?? "")?.[0];
    return deliveryError("duplicate", `LinkedIn already has this post${urn ? ` (${urn})` : ""}`, { detail });
  }
  if (err.status === 429) return dailyReset(err);
  return statusDeliveryError(err, {
    platform: "LinkedIn", fixAuth: FIX_TOKEN, fixTarget: "check author and apiBase", rateLimit: { scope: "account", defaultWaitMs: DAY }, retryNote: "the Posts API takes no idempotency key",
  });
}

const IMAGE_WORDS = { failed: "the thumbnail could not be uploaded to LinkedIn", refused: "LinkedIn refused the thumbnail" };

/** LinkedIn refusing the image itself: a 4xx that is not about the token, the version or a limit. */
function refusalOf(cause: unknown): string | undefined {
  if (!isHttpError(cause) || cause.status < 400 || cause.status >= 500 || [401, 403, 426, 429].includes(cause.status)) return undefined;
  return describe(cause);
}

function known(err: unknown): DeliveryError | undefined {
  if (isHttpError(err)) return fromHttp(err);
  if (!(err instanceof LinkedInRefreshError)) return undefined;
  if (isHttpError(err.cause)) return fromHttp(err.cause);
  return deliveryError("transient", "the access token could not be renewed (LinkedIn out of reach, or the credential store failed); nothing was posted", { detail: err.message.slice(0, 300) });
}

/** The platform's own errors; undefined for what the kit classifies. Pure; never throws. */
export function classifyLinkedIn(err: unknown): DeliveryError | undefined {
  if (err instanceof LinkedInImageError) {
    const inner = known(err.cause) ?? networkDeliveryError(err.cause, { platform: "LinkedIn" })
      ?? deliveryError("unknown-outcome", "the thumbnail upload failed unexpectedly", { detail: err.message.slice(0, 300) });
    return imageStepError(inner, IMAGE_WORDS, err.refusal ?? refusalOf(err.cause));
  }
  return known(err);
}
