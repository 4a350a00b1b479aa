/**
 * What Slack's own answers mean for delivery. Pure; never throws.
 *
 * The Web API answers errors with HTTP 200 and `{"ok": false, "error": "<string>"}`
 * (https://api.slack.com/web#evaluating_responses); the strings are documented per method
 * (https://api.slack.com/methods/chat.postMessage#errors) and matched exactly here, one recorded
 * fixture each in fixtures/. Incoming webhooks answer with a status code and the same kind of
 * string as a plain-text body (https://api.slack.com/messaging/webhooks#handling_errors;
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * Slack takes no idempotency key: anything that may have reached it is `unknown-outcome`.
 *
 * Read here: a SlackError (a 2xx that was Slack's refusal, send.ts) and the kit's HttpError (any
 * other status, its body and Retry-After read once by the JSON client). Anything else is left to
 * the kit (undefined): a network failure is `transient` only when the request provably never left.
 */
import { deliveryError, isHttpError, type DeliveryError, type DeliveryErrorKind, type HttpError, type RateLimitInfo } from "../../src/core/index.js";
import { SlackError, WEBHOOK_ROUTE, extraOf, objectOf, webhookWord } from "./errors.js";

/** Unknown outcomes say why a retry is not automatic. */
export const SLACK_RETRY_NOTE = "Slack takes no idempotency key";

/** When a 429 carries no Retry-After (never seen; the docs always promise one). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

const TOKEN = "check botToken (OAuth & Permissions page of the Slack app; reinstall the app if it was revoked)";
const WEBHOOK = "the webhook URL no longer works: create a new incoming webhook and set webhookUrl";

/** Slack's error strings → kind and what the operator should do. Sources in the comments. */
const KNOWN: Record<string, [DeliveryErrorKind, string]> = {
  // chat.postMessage#errors (also auth.test, chat.delete, chat.getPermalink).
  not_authed: ["auth", `no token reached Slack: ${TOKEN}`],
  invalid_auth: ["auth", `Slack refused the token: ${TOKEN}`],
  account_inactive: ["auth", `the token belongs to a deleted user or workspace: ${TOKEN}`],
  token_revoked: ["auth", `the token was revoked or the app removed: ${TOKEN}`],
  token_expired: ["auth", "the token expired (token rotation is on): use a non-expiring bot token"],
  missing_scope: ["auth", "the token lacks a scope: add chat:write under OAuth & Permissions and reinstall the app"],
  not_allowed_token_type: ["auth", "this token type may not post: use the Bot User OAuth Token (xoxb-…)"],
  no_permission: ["destination-broken", "the app may not post here: add it to the channel (/invite @app)"],
  channel_not_found: ["destination-broken", "Slack has no such channel for this token: check channel (use its ID; invite the app to private channels)"],
  not_in_channel: ["destination-broken", "the bot is not in the channel: /invite it, or add the chat:write.public scope"],
  is_archived: ["destination-broken", "the channel is archived: unarchive it or set another channel"],
  restricted_action: ["destination-broken", "a workspace preference stops the app from posting here"],
  restricted_action_read_only_channel: ["destination-broken", "the channel is read-only for the app"],
  restricted_action_thread_only_channel: ["destination-broken", "the channel takes thread replies only"],
  ekm_access_denied: ["destination-broken", "administrators have suspended posting (EKM)"],
  team_access_not_granted: ["destination-broken", "the app is not granted access to this workspace"],
  msg_too_long: ["rejected", "the message text is too long"],
  no_text: ["rejected", "the message has no text"],
  invalid_blocks: ["rejected", "Slack refused the Block Kit blocks"],
  invalid_blocks_format: ["rejected", "the blocks are not a valid JSON array"],
  msg_blocks_too_long: ["rejected", "the blocks' text is too long in total"],
  too_many_attachments: ["rejected", "too many attachments"],
  invalid_arguments: ["rejected", "Slack refused the request's arguments"],
  invalid_arg_name: ["rejected", "Slack refused an argument name"],
  invalid_charset: ["rejected", "Slack refused the request's charset"],
  invalid_post_type: ["rejected", "Slack refused the request's Content-Type"],
  missing_post_type: ["rejected", "the request had no Content-Type"],
  invalid_json: ["rejected", "Slack could not parse the JSON body"],
  // chat.postMessage#errors: "rate_limited: Application has posted too many messages";
  // https://api.slack.com/apis/rate-limits: HTTP 429, `"error": "ratelimited"`, Retry-After.
  rate_limited: ["rate-limited", "Slack rate limit: too many messages"],
  ratelimited: ["rate-limited", "Slack rate limit: too many requests"],
  // "…It's possible some aspect of the operation succeeded before the error was raised."
  internal_error: ["unknown-outcome", "Slack had an internal error; the post may have been made"],
  fatal_error: ["unknown-outcome", "Slack had a fatal error; the post may have been made"],
  // "The method was called via a POST request, but the POST data was either missing or truncated."
  request_timeout: ["transient", "Slack did not receive the whole request; nothing was posted"],
  // "…currently undergoing migration to an Enterprise Organization … intermittently unavailable"
  team_added_to_org: ["transient", "the workspace is migrating to an Enterprise Organization; try later"],
  org_login_required: ["transient", "the workspace is migrating to an Enterprise Grid; try later"],
  // chat.delete#errors and chat.getPermalink#errors.
  message_not_found: ["rejected", "Slack has no such message (already deleted?)"],
  cant_delete_message: ["rejected", "the app may not delete this message"],
  compliance_exports_prevent_deletion: ["rejected", "compliance exports prevent deleting messages"],
  // Webhooks (webhooks#handling_errors; the 2016 changelog gives the status codes).
  invalid_payload: ["rejected", "the webhook could not read the payload"],
  user_not_found: ["rejected", "the webhook payload names a user that does not exist"],
  action_prohibited: ["destination-broken", "the workspace restricts this webhook from posting here"],
  posting_to_general_channel_denied: ["destination-broken", "only admins may post to this channel"],
  channel_is_archived: ["destination-broken", "the webhook's channel is archived: unarchive it or make a new webhook"],
  invalid_token: ["auth", `Slack refused the webhook's token: ${WEBHOOK}`],
  no_service: ["destination-broken", `the webhook is disabled, removed or invalid: ${WEBHOOK}`],
  no_service_id: ["destination-broken", `the webhook URL lacks its service id: ${WEBHOOK}`],
  no_team: ["destination-broken", `the webhook's workspace is not found: ${WEBHOOK}`],
  team_disabled: ["destination-broken", "the webhook's workspace is disabled"],
  rollup_error: ["unknown-outcome", "Slack had an internal error (rollup_error); the post may have been made"],
};

/** What classify reads of an answer, from a SlackError or an HttpError alike. */
interface Answer {
  call: string;
  status: number;
  error: string | undefined;
  extra: string | undefined;
  rateLimit: RateLimitInfo;
}

/** A non-2xx answer as Slack's words: the Web API's JSON `error`, or a webhook's plain-text word. */
function answerOf(err: HttpError): Answer {
  const call = err.request.route === WEBHOOK_ROUTE ? "webhook" : err.request.route.replace(/^\//, "");
  const body = objectOf(err.body);
  const text = typeof err.body === "string" ? err.body.trim() : "";
  const error = body ? (typeof body.error === "string" ? body.error : undefined) : call === "webhook" ? webhookWord(text) : undefined;
  const extra = body ? extraOf(body) : error ? undefined : text.slice(0, 200) || undefined;
  return { call, status: err.status, error, extra, rateLimit: err.rateLimit };
}

function fromAnswer(err: Answer): DeliveryError {
  const detail = `${err.call}: ${err.status}${err.error ? ` ${err.error}` : ""}${err.extra ? ` (${err.extra})` : ""}`;
  const known = err.error !== undefined ? KNOWN[err.error] : undefined;
  if (err.status === 429 || known?.[0] === "rate-limited") {
    // Retry-After, "the number of seconds until you can retry" (https://api.slack.com/apis/rate-limits), read by the kit.
    const waitMs = err.rateLimit.waitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return deliveryError("rate-limited", `${known?.[1] ?? "Slack rate limit"}; retry after ${waitMs / 1000} s`, { detail, waitMs, scope: "destination" });
  }
  if (known) return deliveryError(known[0], known[1], { detail });
  if (err.status >= 500) return deliveryError("unknown-outcome", `Slack answered ${err.status}; the post may have been made`, { detail });
  if (err.call === "webhook") {
    // Undocumented strings: the status decides (403 token, 404/410 gone, other 4xx the payload).
    if (err.status === 403) return deliveryError("auth", `Slack refused the webhook (403): ${WEBHOOK}`, { detail });
    if (err.status === 404 || err.status === 410) return deliveryError("destination-broken", `the webhook is gone (${err.status}): ${WEBHOOK}`, { detail });
    if (err.status >= 400) return deliveryError("rejected", `the webhook refused the post (${err.status})`, { detail });
    return deliveryError("unknown-outcome", "the webhook gave an unexpected answer; the post may have been made", { detail });
  }
  if (err.status === 404) return deliveryError("destination-broken", `no Web API method ${err.call} here (404): check apiBase`, { detail });
  if (err.error !== undefined && err.status >= 200 && err.status < 300) {
    // `ok: false` with an undocumented string: Slack refused and did nothing.
    return deliveryError("rejected", `Slack refused the call (${err.error})`, { detail });
  }
  return deliveryError("unknown-outcome", "unexpected answer from Slack; the post may have been made", { detail });
}

/** Slack's answers → DeliveryError; undefined for anything else (the kit's to classify). Pure; never throws. */
export function classifySlack(err: unknown): DeliveryError | undefined {
  if (err instanceof SlackError) return fromAnswer({ call: err.call, status: err.status, error: err.error, extra: err.extra, rateLimit: {} });
  return isHttpError(err) ? fromAnswer(answerOf(err)) : undefined;
}
