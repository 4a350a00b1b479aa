/**
 * What a Graph API error means for a delivery, from the error object's `code`, `error_subcode` and
 * `is_transient`, never from the HTTP status alone (Meta documents none for Graph errors). Pure;
 * never throws. Each rule has a fixture in fixtures/ naming its source.
 *
 * The question for a POST is whether the code proves that nothing was posted. Throttling, a
 * refused token, a missing permission, a policy block, an invalid parameter, a duplicate and a link
 * that could not be scraped are all refusals: Facebook decided before creating anything. Codes 1
 * ("API Unknown") and 2 ("API Service"), `is_transient: true`, a 5xx or an unknown code prove
 * nothing: the post may exist, so they are `unknown-outcome` (Facebook takes no idempotency key).
 */
import { deliveryError, isHttpError, statusDeliveryError, type DeliveryError, type HttpError } from "../../src/core/index.js";
import { describeGraphError, graphErrorOf, regainAccessMs, type GraphError } from "./graph-error.js";

/**
 * Throttle codes (Rate Limits, https://developers.facebook.com/docs/graph-api/overview/rate-limiting):
 * 4 app, 17 user, 32 Pages API with a user token, 613 custom, 80001 "Page calls made with a Page or
 * System User access token"; and 341 "Application limit reached" (Handling Errors,
 * https://developers.facebook.com/docs/graph-api/guides/error-handling: "downtime or throttling").
 * The app's and the user's limits hold every destination of that app or user: scope "account".
 */
const THROTTLE: ReadonlyMap<number, "account" | "destination"> = new Map([
  [4, "account"], [17, "account"], [341, "account"], [32, "destination"], [613, "destination"], [80001, "destination"],
]);
/** Without `estimated_time_to_regain_access`: the platform limits roll over one hour, the Pages BUC over 24 (same page). */
export const DEFAULT_THROTTLE_WAIT_MS = 3_600_000;
/** 368 "Temporarily blocked for policies violations … Wait and retry" (Handling Errors) names no time: Crier waits a day. */
export const POLICY_BLOCK_WAIT_MS = 24 * 3_600_000;

/** 190 subcodes (Handling Errors, "Authentication Error Subcodes"). */
const AUTH_SUBCODES: Readonly<Record<number, string>> = {
  458: "the app is not installed for the user who made the token (458): make a new Page token",
  459: "the user who made the token is checkpointed (459): they must log in at facebook.com, then make a new Page token",
  460: "the user who made the token changed their password (460): make a new Page token",
  463: "the token expired (463): make a Page token from a long-lived user token, which does not expire (README: Credentials)",
  464: "the user who made the token is unconfirmed (464): they must log in at facebook.com",
  467: "the token is invalid (467): it expired, was revoked or is not a token; make a new Page token",
  492: "the user who made the token has no role on the Page any more (492): make the token as a Page admin",
};

const FIX_TOKEN = "make a new Page access token (README: Credentials) and update pageAccessToken";

function graphKind(err: HttpError, g: GraphError): DeliveryError | undefined {
  const code = g.code;
  const sub = g.error_subcode;
  const detail = describeGraphError(err, g);
  const post = err.request.method === "POST";
  const throttle = code === undefined ? undefined : THROTTLE.get(code);
  if (throttle) {
    const regain = regainAccessMs(err.headers);
    const waitMs = regain ?? DEFAULT_THROTTLE_WAIT_MS;
    const what = code === 80001 || code === 32 ? "the Page's rate limit" : code === 4 || code === 341 ? "the app's rate limit" : code === 17 ? "the user's rate limit" : "a custom rate limit";
    const how = regain !== undefined ? "as estimated_time_to_regain_access says" : "no estimated_time_to_regain_access given";
    return deliveryError("rate-limited", `Facebook throttled the call (${what}, code ${code}); waiting ${Math.ceil(waitMs / 60_000)} min (${how})`, { waitMs, scope: throttle, detail });
  }
  if (code === 368) {
    return deliveryError("rate-limited", "Facebook temporarily blocked posting for a policy violation (368); waiting a day: check the Page's Account Quality in Meta Business Suite", { waitMs: POLICY_BLOCK_WAIT_MS, scope: "destination", detail });
  }
  // A refusal that says it will pass (is_transient on a refusal code): nothing was posted, try again later.
  const passing = (kind: DeliveryError) => (g.is_transient === true ? deliveryError("transient", `${kind.message} (Facebook says it is transient; nothing was posted)`, { detail }) : kind);
  // Observed wordings of an app that requires appsecret_proof ("Require App Secret", Secure Graph API Calls).
  if (code === 100 && /appsecret_proof/i.test(g.message ?? "")) {
    return deliveryError("auth", "Facebook wants appsecret_proof for this app, or the proof is wrong: set appId and appSecret to the app's (App settings → Basic)", { detail });
  }
  if (code === 190 || code === 102 || (code === undefined && g.type === "OAuthException")) {
    const why = sub !== undefined ? AUTH_SUBCODES[sub] : undefined;
    return passing(deliveryError("auth", `Facebook refused the Page access token: ${why ?? `it expired, was revoked or is invalid; ${FIX_TOKEN}`}`, { detail }));
  }
  if (code === 10 || code === 3 || (code !== undefined && code >= 200 && code <= 299)) {
    return passing(deliveryError("destination-broken", `Facebook says the token lacks a permission for this Page (code ${code}): it needs pages_manage_posts, pages_read_engagement and pages_show_list from a user with a Page task (README: Credentials)`, { detail }));
  }
  // Observed: an unknown version or path answers 2500 "Unknown path components" (https://github.com/arsduo/koala/issues/611).
  if (code === 2500) return deliveryError("destination-broken", "Facebook does not know this path: check apiVersion (like v26.0) and pageId", { detail });
  // Observed: "Unsupported post request. Object with ID '…' does not exist, cannot be loaded due to missing permissions, or does not support this operation".
  if (code === 100 && sub === 33 && err.request.method === "DELETE") return deliveryError("rejected", "Facebook has no such post for this Page (already deleted?)", { detail });
  if (code === 100 && sub === 33) return passing(deliveryError("destination-broken", "Facebook has no Page with this id that the token can post to: check pageId and that the token is this Page's", { detail }));
  if (code === 506) return deliveryError("duplicate", "Facebook refused a duplicate of the Page's previous post (506): it already has this post", { detail });
  if (code === 1609005) {
    return deliveryError("transient", "Facebook could not read the article page to build the link preview (1609005); nothing was posted, trying again later", { detail });
  }
  if (code === 324 || code === 321) return deliveryError("rejected", `Facebook refused the image (${code}); nothing was posted`, { detail, stage: "image" });
  if (code === 100) return deliveryError("rejected", "Facebook refused a parameter of this post (100)", { detail });
  if (g.is_transient === true || code === 1 || code === 2 || err.status >= 500) {
    return post
      ? deliveryError("unknown-outcome", `Facebook failed while posting (code ${code ?? "none"}${g.is_transient ? ", transient" : ""}); the post may or may not exist (Facebook takes no idempotency key)`, { detail })
      : deliveryError("transient", `Facebook failed (code ${code ?? "none"}); nothing is posted by this call, try again`, { detail });
  }
  if (code !== undefined) return deliveryError("rejected", `Facebook refused this post (code ${code})`, { detail });
  return undefined;
}

/** The Graph API's own errors; undefined for anything else (network failures are the kit's). Pure; never throws. */
export function classifyFacebook(err: unknown): DeliveryError | undefined {
  if (!isHttpError(err)) return undefined;
  const g = graphErrorOf(err);
  const known = g ? graphKind(err, g) : undefined;
  return known ?? statusDeliveryError(err, {
    platform: "Facebook", fixAuth: FIX_TOKEN, fixTarget: "check pageId, apiVersion and apiBase", forbidden: "destination-broken",
    rateLimit: { scope: "destination", defaultWaitMs: DEFAULT_THROTTLE_WAIT_MS }, retryNote: "Facebook takes no idempotency key",
  });
}

/**
 * True when Facebook refused the photo of a photo post, so that nothing was posted and the link
 * post can go instead: 324 "Missing or invalid image file" (observed, e.g. a fetch it could not
 * complete), 321 "Album is full" and 100 invalid parameter (Photo reference "Error Codes", v18.0
 * copy) on `POST /{page-id}/photos`. A 100/33 (no such Page) is the destination's, not the image's.
 */
export function isImageRefusal(err: unknown): boolean {
  const g = graphErrorOf(err);
  if (!g || !isHttpError(err) || err.request.method !== "POST" || !/\/photos$/.test(err.request.route)) return false;
  return g.code === 324 || g.code === 321 || (g.code === 100 && g.error_subcode !== 33);
}

/** Tokens and secrets that lower layers may quote inside a URL. */
export function redactFacebook(text: string): string {
  return text.replace(/((?:access_token|input_token|appsecret_proof|client_secret|fb_exchange_token)=)[^&\s"']+/gi, "$1[redacted]");
}
