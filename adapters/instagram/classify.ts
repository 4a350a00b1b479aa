/**
 * What a failed Instagram send means for delivery. Pure; never throws.
 *
 * Graph errors are read from the error object (`code`, `error_subcode`, `is_transient`), never from
 * the HTTP status alone: the Instagram table gives 400 for every row. Sources (read 2026-12):
 * [codes] Error Codes, "Updated: Jun 2, 2026": https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes
 * [graph] Handling Errors (undated): https://developers.facebook.com/docs/graph-api/guides/error-handling
 * [rate]  Rate Limits (undated): https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 * [guide] Content Publishing (examples v25.0): https://developers.facebook.com/docs/instagram-platform/content-publishing
 *
 * Only the publish step can have posted anything (errors.ts). Whatever may have come after a
 * publish is `unknown-outcome`; the next attempt resolves it from the checkpointed container's
 * status (PUBLISHED: done), so the adapter declares the send safe to retry (index.ts).
 */
import { deliveryError, errorText, isHttpError, networkDeliveryError, type DeliveryError, type HttpError } from "../../src/core/index.js";
import { InstagramContainerError, InstagramNotReadyError, InstagramQuotaError, InstagramStepError, type Step } from "./errors.js";

/** [guide] "We recommend querying a container's status once per minute, for no more than 5 minutes." */
export const NOT_READY_WAIT_MS = 60_000;
/** [codes] 2207042: "try again the following day"; content_publishing_limit's quota_duration is "currently 86400". */
export const QUOTA_WAIT_MS = 86_400_000;
/** [rate] platform limits are counted "over a rolling one hour period": the wait when no header says more. */
export const THROTTLE_WAIT_MS = 3_600_000;
/** [codes] 2207008: "Try again 1–2 times in the next 30 seconds to 2 minutes". */
const BUILDER_WAIT_MS = 60_000;

interface GraphErrorBody { code?: number; error_subcode?: number; message?: string; error_user_msg?: string; is_transient?: boolean }
interface Rule { kind: DeliveryError["kind"]; message: string; stage?: "image"; waitMs?: number; maybePosted?: boolean }

const FIX_TOKEN = "create a new long-lived token (README: Credentials) and set accessToken";
const image = (kind: "transient" | "rejected", message: string): Rule => ({ kind, message, stage: "image" });

/** [codes] by subcode. Also the subcode in an ERROR container's `status`. */
const SUBCODES: Record<number, Rule> = {
  2207003: image("transient", "Instagram timed out downloading the image"),
  2207052: image("transient", "Instagram could not fetch the image from its URL (is the public URL reachable from the internet?)"),
  2207004: image("rejected", "Instagram refused the image: larger than 8 MiB"),
  2207005: image("rejected", "Instagram refused the image: not a JPEG"),
  2207009: image("rejected", "Instagram refused the image: aspect ratio outside 4:5 to 1.91:1"),
  2207010: { kind: "rejected", message: "Instagram refused the caption: over 2,200 characters or 30 hashtags" },
  2207040: { kind: "rejected", message: "Instagram refused the caption: more than 20 @ tags" },
  // Refused at media_publish, so nothing was published; the checkpointed container is published later.
  2207027: { kind: "processing", message: "Instagram is still processing the container: not ready to publish yet", waitMs: NOT_READY_WAIT_MS },
  2207020: { kind: "transient", message: "the container expired; the next attempt makes a new one" },
  2207008: { kind: "transient", message: "Instagram does not find the container (yet); trying again", waitMs: BUILDER_WAIT_MS },
  2207006: { kind: "transient", message: "Instagram does not find the media (a permission problem or an expired token?)" },
  2207001: { kind: "transient", message: "Instagram server error", maybePosted: true },
  2207032: { kind: "transient", message: "Instagram failed to create the container" },
  2207053: { kind: "transient", message: "Instagram upload error", maybePosted: true },
  2207042: { kind: "rate-limited", message: "Instagram's publishing quota is used up (try again the following day)", waitMs: QUOTA_WAIT_MS },
  2207050: { kind: "destination-broken", message: "Instagram restricted the account (inactive, checkpointed or restricted): sign in to Instagram with it" },
  2207051: { kind: "destination-broken", message: "Instagram restricted this account's publishing as suspected spam: check the account in the Instagram app" },
};

/** [graph] and [rate] by code. */
function byCode(g: GraphErrorBody, step: Step | undefined): Rule | undefined {
  const code = g.code ?? 0;
  if (code === 190 || code === 102) return { kind: "auth", message: `Instagram refused the access token (expired, revoked or invalid): ${FIX_TOKEN}` };
  if (code === 10 || code === 3 || (code >= 200 && code <= 299)) return { kind: "destination-broken", message: "the token lacks a permission (instagram_business_content_publish?) or the app lost access: authorise the app again" };
  // [rate] throttle codes: 4 app, 17 user, 32 Pages, 613 custom; 80000-80014 Business Use Case (80002: Instagram).
  if ([4, 17, 32, 341, 613].includes(code) || (code >= 80000 && code <= 80014)) return { kind: "rate-limited", message: `Instagram API rate limit reached (code ${code})` };
  if (code === 368) return { kind: "destination-broken", message: "Instagram temporarily blocked the account for a policy violation: check it in the Instagram app" };
  // "Unsupported … request. Object with ID … does not exist" (GraphMethodException): a wrong userId — or, when
  // reading a container, Meta's known object-read outages (github.com/gitroomhq/postiz-app/issues/1562, 2026-06).
  if (code === 100 && g.error_subcode === 33) {
    return step === "status" ? { kind: "transient", message: "Instagram could not read the container" } : { kind: "destination-broken", message: "Instagram has no such account for this token: check userId (user_id of GET /me)" };
  }
  if (code === 100) return { kind: "rejected", message: "Instagram refused a parameter" };
  if (code === 1 || code === 2 || g.is_transient === true) return { kind: "transient", message: "Instagram reported a temporary problem", maybePosted: true };
  return undefined;
}

function graphBody(err: HttpError): GraphErrorBody | undefined {
  const e = (err.body as { error?: unknown } | null)?.error;
  return e && typeof e === "object" ? (e as GraphErrorBody) : undefined;
}

/** [rate] X-Business-Use-Case-Usage: `estimated_time_to_regain_access`, "Time, in minutes". */
function throttleWaitMs(err: HttpError): number | undefined {
  try {
    const usage = JSON.parse(err.headers["x-business-use-case-usage"] ?? "{}") as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
    const minutes = Object.values(usage).flat().map((u) => u.estimated_time_to_regain_access ?? 0);
    const most = Math.max(0, ...minutes);
    return most > 0 ? most * 60_000 : err.rateLimit.waitMs;
  } catch {
    return err.rateLimit.waitMs;
  }
}

/** "HTTP 400 #190/463 Error validating access token…": the status and the Graph error's own words. */
export function graphDetail(err: unknown): string {
  if (!isHttpError(err)) return redactTokens(errorText(err)).slice(0, 300);
  const g = graphBody(err);
  const words = g ? `#${g.code ?? "?"}${g.error_subcode ? `/${g.error_subcode}` : ""} ${g.error_user_msg ?? g.message ?? ""}` : errorText(err.body ?? "");
  return redactTokens(`HTTP ${err.status} ${words}`.trim()).slice(0, 300);
}

function fromHttp(err: HttpError, step: Step | undefined): DeliveryError {
  const g = graphBody(err);
  const detail = graphDetail(err);
  const rule = (g && ((g.error_subcode !== undefined ? SUBCODES[g.error_subcode] : undefined) ?? byCode(g, step))) ??
    (err.status >= 500 || !g ? { kind: "transient" as const, message: `Instagram answered ${err.status}`, maybePosted: true } : { kind: "transient" as const, message: "Instagram refused the request with an undocumented error", maybePosted: true });
  if (rule.kind === "rate-limited") {
    const waitMs = rule.waitMs ?? throttleWaitMs(err) ?? THROTTLE_WAIT_MS;
    return deliveryError("rate-limited", `${rule.message}; posting resumes in ${Math.ceil(waitMs / 60_000)} min`, { detail, waitMs, scope: "account" });
  }
  if (step === "publish" && rule.maybePosted) {
    return deliveryError("unknown-outcome", `${rule.message} while publishing; the next attempt reads the container's status and never publishes twice`, { detail });
  }
  return deliveryError(rule.kind, rule.message, { detail, ...(rule.stage ? { stage: rule.stage } : {}), ...(rule.waitMs ? { waitMs: rule.waitMs } : {}) });
}

const STEP_WORDS: Record<Step, string> = { quota: "reading the publishing quota", create: "creating the container", checkpoint: "saving the container id", status: "reading the container's status", publish: "publishing" };

function inStep(step: Step, cause: unknown): DeliveryError {
  const found = isHttpError(cause) ? fromHttp(cause, step) : (networkDeliveryError(cause, { platform: "Instagram", redact: redactTokens }) ??
    deliveryError("unknown-outcome", cause instanceof Error && cause.name === "ResponseBodyError" ? "Instagram's answer was unreadable" : "unexpected error", { detail: redactTokens(errorText(cause)).slice(0, 300) }));
  // Nothing is posted before media_publish: whatever failed earlier can be tried again as it is.
  if (step !== "publish" && found.kind === "unknown-outcome") return { ...found, kind: "transient", message: `${found.message.replace(/; the post may or may not exist.*$/, "")} while ${STEP_WORDS[step]}; nothing was published` };
  return found;
}

/** Tokens never reach a message: Graph takes them as `access_token`, and Instagram's start with "IG". */
export function redactTokens(text: string): string {
  return text.replace(/access_token=[^&\s"']+/g, "access_token={secret}").replace(/\bIG[A-Za-z0-9_-]{20,}/g, "{secret}");
}

export function classifyInstagram(err: unknown): DeliveryError | undefined {
  if (err instanceof InstagramNotReadyError) return deliveryError("processing", `Instagram is still processing container ${err.container} (IN_PROGRESS); it is published once FINISHED`, { detail: err.message, waitMs: NOT_READY_WAIT_MS });
  if (err instanceof InstagramQuotaError) {
    return deliveryError("rate-limited", `Instagram's publishing quota is used up (${err.usage} of ${err.total} in ${Math.round(err.durationS / 3600)} h); posting resumes at ${new Date(err.retryAt).toISOString()}`, { detail: err.message, retryAt: err.retryAt, waitMs: err.waitMs, scope: "account" });
  }
  if (err instanceof InstagramContainerError) {
    const rule = (err.subcode !== undefined ? SUBCODES[err.subcode] : undefined) ?? { kind: "rejected" as const, message: "Instagram could not process the post" };
    return deliveryError(rule.kind, rule.message, { detail: err.status.slice(0, 300), ...(rule.stage ? { stage: rule.stage } : {}), ...(rule.waitMs ? { waitMs: rule.waitMs } : {}) });
  }
  if (err instanceof InstagramStepError) return inStep(err.step, err.cause);
  if (isHttpError(err)) return fromHttp(err, undefined);
  return undefined;
}
