// Incoming webhooks: POST /services/<team>/<hook>/<secret>. Rules and sources: README.md.
// Errors are a status code and a plain-text body (https://api.slack.com/messaging/webhooks#handling_errors (read 2026-11-27),
// read 2026-11-27), sent as text/html (observed).
import type { RecordedRequest, Reply, SlackLoopbackWebhook } from "./types.js";
import type { MessageBody, Workspace } from "./workspace.js";

export const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({ status, body, headers: { "content-type": "text/html", ...headers } });

export const WEBHOOK_PATH = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** The JSON body, or the `payload` form field (the legacy form encoding webhooks still accept). */
function payloadOf(rec: RecordedRequest): MessageBody | undefined {
  let value: unknown = rec.json;
  const payload = rec.form?.payload;
  if (value === undefined && typeof payload === "string") {
    try {
      value = JSON.parse(payload) as unknown;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === "object" && !Array.isArray(value) ? (value as MessageBody) : undefined;
}

export function handleWebhook(rec: RecordedRequest, hooks: SlackLoopbackWebhook[], ws: Workspace, now: number): Reply {
  const m = WEBHOOK_PATH.exec(rec.path);
  const hook = hooks.find((h) => h.teamId === m?.[1] && h.hookId === m?.[2]);
  // No such webhook, or it was disabled/removed → 404 no_service; the right webhook with a wrong
  // secret → 403 invalid_token (webhooks#handling_errors).
  if (!m || !hook || hook.disabled) return text(404, "no_service");
  if (hook.secret !== m[3]) return text(403, "invalid_token");
  if (rec.method !== "POST") return text(405, "invalid_method"); // loopback choice
  const body = payloadOf(rec);
  // 400 invalid_payload: "the data sent in your request cannot be understood as presented".
  if (!body) return text(400, "invalid_payload");
  const channel = ws.channels.find((c) => c.id === hook.channelId);
  // 404 channel_not_found: "the channel associated with your request does not exist".
  if (!channel) return text(404, "channel_not_found");
  // 410 channel_is_archived: "the channel has been archived and doesn't accept further messages, even from your incoming webhook".
  if (channel.archived) return text(410, "channel_is_archived");
  // App webhooks post to the channel picked at install; a `channel` field does not override it.
  const outcome = ws.post(channel, body, "webhook", now);
  if (outcome.ok) return text(200, "ok");
  if (outcome.error === "rate_limited") {
    // https://api.slack.com/apis/rate-limits (read 2026-11-27): incoming webhooks too answer 429 with Retry-After.
    return text(429, "rate_limited", { "retry-after": String(outcome.retryAfterSeconds ?? 1) });
  }
  return text(400, outcome.error);
}
