// Discord's error bodies and rate-limit answers. Shape: `{ "code": <JSON error code>, "message": "…",
// "errors"?: {…} }` (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json, read
// 2026-11-27). Messages are the codes' meanings from that table unless marked "observed" (Discord's
// own wording, recorded by client libraries) or "loopback choice".
import { createHash } from "node:crypto";
import type { LimitState } from "../harness-limits.js";
import type { Reply } from "./types.js";

/** Discord answers `Content-Type: application/json`, without a charset (observed). */
export const JSON_TYPE = { "content-type": "application/json" } as const;

const reply = (status: number, code: number, message: string): Reply => ({ status, body: { message, code }, headers: { ...JSON_TYPE } });

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
/** 40005 "Request entity too large", 413 (the JSON table; the size the loopback takes is the harness's). */
export const entityTooLarge = (): Reply => reply(413, 40005, "Request entity too large");
/** Loopback choice: a handler that fails answers like Discord's own 500 (fixtures/500-internal-server-error.json). */
export const internalError = (err: unknown): Reply => reply(500, 0, `500: Internal Server Error (${String(err)})`);
/** https://discord.com/developers/docs/reference#api-versioning (read 2026-11-27): discontinued versions "will fail and return 400 Bad Request" (body: loopback choice). */
export const discontinuedVersion = (): Reply => reply(400, 50041, "Invalid API version provided");

/** A form-error tree (https://discord.com/developers/docs/reference#error-messages, read 2026-11-27). */
export type ErrorTree = Record<string, unknown>;

/** Adds one error at a path (["embeds", "0", "title"]) of the tree. */
export function addError(tree: ErrorTree, path: readonly string[], code: string, message: string): void {
  let node = tree;
  for (const key of path) node = (node[key] ??= {}) as ErrorTree;
  ((node._errors ??= []) as Array<{ code: string; message: string }>).push({ code, message });
}

/** 50035 "Invalid Form Body" with the tree, 400 (#error-messages examples). */
export const invalidFormBody = (errors: ErrorTree): Reply => ({ status: 400, body: { code: 50035, errors, message: "Invalid Form Body" }, headers: { ...JSON_TYPE } });

/**
 * https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit (read 2026-11-27):
 * `{"message": "You are being rate limited.", "retry_after": <float seconds>, "global": <bool>}`.
 */
export function rateLimited(retryAfterSeconds: number, global: boolean, headers: Record<string, string>): Reply {
  return {
    status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global },
    headers: {
      ...JSON_TYPE,
      // RFC 9110 Retry-After is whole seconds; the docs' example pairs `Retry-After: 65` with `retry_after: 64.57`.
      "retry-after": String(Math.ceil(retryAfterSeconds)),
      ...(global ? { "x-ratelimit-global": "true", "x-ratelimit-scope": "global" } : { "x-ratelimit-scope": "user" }),
      ...headers,
    },
  };
}

/** Seconds from `now` to `at`, with decimals, never below 1 ms (a 429 always asks for some wait). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0.001, (at - now) / 1000);
}

/** #header-format: "A unique string denoting the rate limit being encountered (non-inclusive of top-level resources in the path)". */
export function bucketOf(route: string): string {
  return createHash("sha256").update(route).digest("hex").slice(0, 32);
}

/**
 * https://discord.com/developers/docs/topics/rate-limits#header-format (read 2026-11-27): Limit,
 * Remaining, Reset (epoch seconds), Reset-After (seconds, "can have decimals"). The Bucket header
 * names the route: the server adds it (bucketOf).
 */
export function rateLimitHeaders(w: LimitState, now: number): Record<string, string> {
  return {
    "x-ratelimit-limit": String(w.limit),
    "x-ratelimit-remaining": String(w.remaining),
    "x-ratelimit-reset": (w.resetAt / 1000).toFixed(3),
    "x-ratelimit-reset-after": secondsUntil(w.resetAt, now).toFixed(3),
  };
}
