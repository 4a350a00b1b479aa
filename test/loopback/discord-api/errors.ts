// Discord's error bodies. Shape: `{ "code": <JSON error code>, "message": "…", "errors"?: {…} }`
// (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). Messages are the
// codes' meanings from that table unless marked "observed" (Discord's own wording, recorded by
// client libraries) or "loopback choice".
import type { Reply } from "./types.js";

const reply = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });

/** 10015 "Unknown webhook"; observed body `{"message": "Unknown Webhook", "code": 10015}` with 404. */
export const unknownWebhook = (): Reply => reply(404, 10015, "Unknown Webhook");
/** 50027 "Invalid webhook token provided"; observed `{"message": "Invalid Webhook Token", "code": 50027}` with 401. */
export const invalidWebhookToken = (): Reply => reply(401, 50027, "Invalid Webhook Token");
/** 10008 "Unknown message", 404. */
export const unknownMessage = (): Reply => reply(404, 10008, "Unknown Message");
/** 10003 "Unknown channel" (a thread_id that is not a thread of the webhook's channel); 404 is a loopback choice. */
export const unknownChannel = (): Reply => reply(404, 10003, "Unknown Channel");
/** 50006 "Cannot send an empty message", 400 (#execute-webhook: one of content, embeds, … is required). */
export const emptyMessage = (): Reply => reply(400, 50006, "Cannot send an empty message");
/** 50109 "The request body contains invalid JSON.", 400. */
export const invalidJson = (): Reply => reply(400, 50109, "The request body contains invalid JSON.");
/** 220001 "Webhooks posted to forum channels must have a thread_name or thread_id", 400. */
export const forumNeedsThread = (): Reply => reply(400, 220001, "Webhooks posted to forum channels must have a thread_name or thread_id");
/** 220002 "Webhooks posted to forum channels cannot have both a thread_name and thread_id", 400. */
export const forumThreadBoth = (): Reply => reply(400, 220002, "Webhooks posted to forum channels cannot have both a thread_name and thread_id");
/** 220003 "Webhooks can only create threads in forum channels", 400. */
export const threadsOnlyInForums = (): Reply => reply(400, 220003, "Webhooks can only create threads in forum channels");
/** Unknown route / method: observed `{"message": "404: Not Found", "code": 0}` and `405: Method Not Allowed`. */
export const routeNotFound = (): Reply => reply(404, 0, "404: Not Found");
export const methodNotAllowed = (): Reply => reply(405, 0, "405: Method Not Allowed");
/** #api-versioning: discontinued versions "will fail and return 400 Bad Request" (body: loopback choice). */
export const discontinuedVersion = (): Reply => reply(400, 50041, "Invalid API version provided");

/** A form-error tree (https://discord.com/developers/docs/reference#error-messages). */
export type ErrorTree = Record<string, unknown>;

/** Adds one error at a path (["embeds", "0", "title"]) of the tree. */
export function addError(tree: ErrorTree, path: readonly string[], code: string, message: string): void {
  let node = tree;
  for (const key of path) node = (node[key] ??= {}) as ErrorTree;
  ((node._errors ??= []) as Array<{ code: string; message: string }>).push({ code, message });
}

/** 50035 "Invalid Form Body" with the tree, 400 (#error-messages examples). */
export const invalidFormBody = (errors: ErrorTree): Reply => ({ status: 400, body: { code: 50035, errors, message: "Invalid Form Body" } });

/** #exceeding-a-rate-limit: `{"message": "You are being rate limited.", "retry_after": <float seconds>, "global": <bool>}`. */
export function rateLimited(retryAfterSeconds: number, global: boolean, headers: Record<string, string>): Reply {
  return {
    status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global },
    headers: {
      // RFC 9110 Retry-After is whole seconds; the docs' example pairs `Retry-After: 65` with `retry_after: 64.57`.
      "retry-after": String(Math.ceil(retryAfterSeconds)),
      ...(global ? { "x-ratelimit-global": "true", "x-ratelimit-scope": "global" } : { "x-ratelimit-scope": "user" }),
      ...headers,
    },
  };
}
