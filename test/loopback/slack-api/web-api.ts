// The Web API methods Crier calls: POST/GET /api/<method>. Rules and sources: README.md.
import { invalidBlocksBody } from "./blocks.js";
import type { RecordedRequest, Reply, SlackLoopbackBot } from "./types.js";
import type { Workspace } from "./workspace.js";

/** https://api.slack.com/web#evaluating_responses (read 2026-11-27): errors are HTTP 200 with `ok: false` and an `error` string. */
const fail = (error: string, extra: Record<string, unknown> = {}): Reply => ({ status: 200, body: { ok: false, error, ...extra } });
const ok = (body: Record<string, unknown>): Reply => ({ status: 200, body: { ok: true, ...body } });

const METHODS = new Set(["chat.postMessage", "chat.getPermalink", "chat.delete", "auth.test"]);

function header(rec: RecordedRequest, name: string): string {
  const v = rec.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/**
 * Arguments from the query string, a form body or a JSON body (https://api.slack.com/web#basics, read 2026-11-27).
 * The token: `Authorization: Bearer`, or a `token` argument except in JSON bodies
 * (https://api.slack.com/web#posting_json (read 2026-11-27): JSON requests must send the token in the header).
 */
function argsOf(rec: RecordedRequest): { args: Record<string, unknown>; token: string | undefined } | Reply {
  const contentType = header(rec, "content-type");
  let args: Record<string, unknown> = { ...rec.query, ...rec.form };
  if (rec.body.length > 0) {
    if (!contentType) return fail("missing_post_type");
    if (/^application\/json/i.test(contentType)) {
      if (!rec.json || typeof rec.json !== "object" || Array.isArray(rec.json)) return fail("invalid_json"); // wording: loopback choice
      args = { ...rec.query, ...(rec.json as Record<string, unknown>) };
    } else if (!/^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/i.test(contentType)) {
      return fail("invalid_post_type");
    }
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(rec, "authorization"))?.[1];
  const inArgs = !rec.json && typeof args.token === "string" ? args.token : undefined;
  return { args, token: bearer ?? inArgs };
}

export function handleWebApi(rec: RecordedRequest, method: string, ws: Workspace, bot: SlackLoopbackBot, now: number): Reply {
  // Loopback choice: Slack's answer to an unknown method is not documented.
  if (!METHODS.has(method)) return { status: 404, body: { ok: false, error: "unknown_method", req_method: method } };
  const parsed = argsOf(rec);
  if ("status" in parsed) return parsed;
  const { args, token } = parsed;
  if (!token) return fail("not_authed");
  if (token !== bot.token) return fail("invalid_auth");

  switch (method) {
    case "auth.test":
      // https://api.slack.com/methods/auth.test (read 2026-11-27)
      return ok({
        url: `https://${ws.team.domain}.slack.com/`, team: ws.team.name, user: bot.userName,
        team_id: ws.team.id, user_id: bot.userId, bot_id: bot.botId, is_enterprise_install: false,
      });
    case "chat.postMessage":
      return postMessage(args, ws, bot, now);
    case "chat.getPermalink": {
      // https://api.slack.com/methods/chat.getPermalink (read 2026-11-27)
      const channel = ws.findChannel(args.channel);
      if (!channel) return fail("channel_not_found");
      const message = ws.findMessage(channel.id, args.message_ts);
      return message ? ok({ channel: channel.id, permalink: ws.permalink(message) }) : fail("message_not_found");
    }
    default: {
      // chat.delete — https://api.slack.com/methods/chat.delete (read 2026-11-27): a bot token deletes the bot's own messages.
      const channel = ws.findChannel(args.channel);
      if (!channel) return fail("channel_not_found");
      const message = ws.findMessage(channel.id, args.ts);
      if (!message) return fail("message_not_found");
      if (message.via !== "chat.postMessage") return fail("cant_delete_message");
      message.deleted = true;
      return ok({ channel: channel.id, ts: message.ts });
    }
  }
}

/** https://api.slack.com/methods/chat.postMessage (read 2026-11-27) */
function postMessage(args: Record<string, unknown>, ws: Workspace, bot: SlackLoopbackBot, now: number): Reply {
  const channel = ws.findChannel(args.channel);
  if (!channel) return fail("channel_not_found");
  if (channel.archived) return fail("is_archived");
  if (channel.member === false) return fail("not_in_channel");
  const outcome = ws.post(channel, args, "chat.postMessage", now);
  if (!outcome.ok) {
    if (outcome.error === "invalid_blocks") return { status: 200, body: invalidBlocksBody(outcome.errors ?? []) };
    if (outcome.error === "rate_limited") {
      // https://api.slack.com/apis/rate-limits (read 2026-11-27): HTTP 429, `"error": "ratelimited"`, Retry-After in seconds.
      return { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": String(outcome.retryAfterSeconds ?? 1) } };
    }
    return fail(outcome.error);
  }
  const { message } = outcome;
  const warning = outcome.truncated
    ? { response_metadata: { warnings: ["message_truncated"], messages: ["[WARN] Your message was truncated but still posted. The `text` field accepts up to 40,000 characters."] } }
    : {};
  return ok({
    channel: channel.id,
    ts: message.ts,
    message: {
      type: "message", subtype: "bot_message", text: message.text, user: bot.userId, bot_id: bot.botId, ts: message.ts,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    },
    ...warning,
  });
}
