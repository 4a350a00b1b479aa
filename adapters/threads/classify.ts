/**
 * What a failed Threads send means for delivery. Pure; never throws.
 *
 * Threads answers with the Graph API's error object (`error.message/type/code/error_subcode/
 * is_transient/fbtrace_id`, https://developers.facebook.com/docs/graph-api/guides/error-handling,
 * undated): no Threads page shows one, but every Threads error in public reports has that shape
 * (fixtures/). Codes are read as that page and "Rate Limits"
 * (https://developers.facebook.com/docs/graph-api/overview/rate-limiting) define them; the HTTP status
 * is only the fallback. Which codes Threads really sends for an expired token, a missing
 * permission, a long text or an exhausted quota is unconfirmed (README, "Errors").
 */
import { deliveryError, imageStepError, isHttpError, networkDeliveryError, rateLimitedError, statusDeliveryError, type DeliveryError, type HttpError } from "../../src/core/index.js";
import { BeforePublishError, ThreadsError, type ThreadsFailure } from "./errors.js";

const HOUR = 3_600_000;
export const THREADS_NETWORK = {
  retryNote: "a retry reads the container's status first, so it cannot publish twice",
  // Lower layers may quote a request URL, whose query carries the token.
  redact: (text: string) => text.replace(/access_token=[^&\s"']+/g, "access_token=[redacted]"),
};
const WORDING = { platform: "Threads", ...THREADS_NETWORK };
const STATUS_WORDING = {
  platform: "Threads",
  fixAuth: "get a new long-lived token (README: Credentials) and update accessToken",
  fixTarget: "check userId and apiBase",
  rateLimit: { scope: "destination" as const, defaultWaitMs: HOUR },
  retryNote: THREADS_NETWORK.retryNote,
};

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
}

export const LINK_LIMIT = "THREADS_API__LINK_LIMIT_EXCEEDED";

function graphError(body: unknown): GraphError | undefined {
  const e = (body as { error?: unknown } | null)?.error;
  return e && typeof e === "object" && typeof (e as GraphError).code === "number" ? (e as GraphError) : undefined;
}

function describe(status: number, e: GraphError): string {
  const code = `code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ""}`;
  return [String(status), code, e.type, e.message, e.error_user_msg].filter(Boolean).join(" ").slice(0, 300);
}

/** The Graph codes (Handling Errors: "What to do"; Rate Limits: the throttle codes). */
function fromGraph(err: HttpError, e: GraphError, publishing: boolean): DeliveryError {
  const detail = describe(err.status, e);
  const code = e.code ?? 0;
  // Posts page, "Links": more than 5 links "will fail … with the error code: THREADS_API__LINK_LIMIT_EXCEEDED"
  // (where the string stands in the object is unconfirmed: any field).
  if (JSON.stringify(e).includes(LINK_LIMIT)) return deliveryError("rejected", "Threads refused the post: more than 5 links", { detail });
  if (code === 190 || code === 102) return deliveryError("auth", `Threads refused the access token: ${STATUS_WORDING.fixAuth}`, { detail });
  if (code === 10 || code === 3 || (code >= 200 && code <= 299)) {
    return deliveryError("destination-broken", "the token lacks a permission (threads_basic, threads_content_publish): authorise the app again with them", { detail });
  }
  const limited = (what: string, waitMs: number, scope: "destination" | "account") => rateLimitedError(err.rateLimit, { what, scope, defaultWaitMs: waitMs, detail });
  if (code === 4 || code === 341) return limited("the app's Threads rate limit was reached", HOUR, "account");
  if (code === 17 || code === 32 || code === 613) return limited("the profile's Threads rate limit was reached", HOUR, "destination");
  if (code === 368) return limited("Threads blocked the profile for a policy violation", 24 * HOUR, "destination");
  // Observed, not documented: "Media Not Found" (24/4279009) when publishing a container Threads
  // has not finished making (fbsamples/threads_api#70): refused, so nothing was posted.
  if (code === 24) return deliveryError("transient", "Threads did not find the container yet; trying again", { detail });
  if (code === 1 || code === 2 || e.is_transient === true) {
    return publishing
      ? deliveryError("unknown-outcome", `Threads failed while publishing (${WORDING.retryNote})`, { detail })
      : deliveryError("transient", "temporary Threads failure", { detail });
  }
  if (code === 100) return deliveryError("rejected", "Threads refused a parameter of the post (too long, bad link or image)", { detail });
  return statusDeliveryError(err, STATUS_WORDING);
}

function fromFailure(f: ThreadsFailure): DeliveryError {
  switch (f.what) {
    case "not-ready":
      // Posts page: "wait on average 30 seconds before publishing"; Troubleshooting: status "once per minute".
      return deliveryError("processing", `Threads is still processing container ${f.container} (IN_PROGRESS); it is published once FINISHED`, { waitMs: 60_000 });
    case "container-error": {
      const words = `Threads could not make the post (container ${f.container}: ${f.errorMessage ?? "no error_message"})`;
      const refused = deliveryError("rejected", words);
      return f.image ? imageStepError(refused, { failed: words, refused: `Threads refused the image: ${f.errorMessage ?? "ERROR"}` }, f.errorMessage ?? "ERROR") : refused;
    }
    case "quota":
      return deliveryError("rate-limited", `the profile's Threads publishing quota is used up (${f.usage} of ${f.total} in ${f.windowS / 3600} h); checking again in an hour`, { waitMs: HOUR, scope: "destination" });
    case "already-published":
      return deliveryError("duplicate", `an earlier attempt already published container ${f.container}; its post was not found among the profile's latest`);
    case "no-image-url":
      return deliveryError("rejected", "postAs is image, but the image has no public URL Threads can fetch: configure Crier's public listener");
  }
}

/** A step before publishing: its failure posted nothing, so what would be an unknown outcome is transient. */
function beforePublish(err: BeforePublishError): DeliveryError {
  const inner = classifyThreads(err.cause) ?? networkDeliveryError(err.cause, WORDING);
  const base = inner ?? deliveryError("unknown-outcome", `unexpected error while ${err.step}`);
  const safe: DeliveryError = base.kind === "unknown-outcome" ? deliveryError("transient", `the ${err.step} step failed before publishing; nothing was posted`, base.detail ? { detail: base.detail } : {}) : base;
  if (!err.image) return safe;
  const refusal = safe.kind === "rejected" ? (safe.detail ?? safe.message) : undefined;
  return imageStepError(safe, { failed: "Threads could not take the image yet", refused: "Threads refused the image" }, refusal);
}

/** The platform's own errors and the flow's; undefined for anything else (the kit classifies network failures). */
export function classifyThreads(err: unknown): DeliveryError | undefined {
  if (err instanceof ThreadsError) return fromFailure(err.failure);
  if (err instanceof BeforePublishError) return beforePublish(err);
  if (!isHttpError(err)) return undefined;
  const e = graphError(err.body);
  const publishing = err.request.route.endsWith("/threads_publish");
  return e ? fromGraph(err, e, publishing) : statusDeliveryError(err, STATUS_WORDING);
}
