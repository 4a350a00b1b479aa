/**
 * A Slack destination's calls, as functions of the connected client (open.ts). Types only from the
 * JSON client, so that index.ts names them without loading undici. `ctx.signal` is the only bound.
 * A non-2xx answer is let through as the kit's HttpError; a 2xx that is Slack's refusal (`ok:
 * false`, a webhook body other than `ok`) is turned into a SlackError here, for classify.ts.
 */
import { ResponseBodyError, type SendContext, type SentPost } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import type { Logger } from "pino";
import type { SlackMode } from "./config.js";
import { SlackError, WEBHOOK_ROUTE, extraOf, objectOf, webhookWord } from "./errors.js";
import type { SlackPayload } from "./render.js";

/** What `connect` opens: one client for the mode configured. */
export type SlackClient =
  | { mode: Extract<SlackMode, { kind: "webhook" }>; http: JsonClient; webhookPath: string; logger: Logger }
  | { mode: Extract<SlackMode, { kind: "bot" }>; http: JsonClient; logger: Logger };

type BotClient = Extract<SlackClient, { mode: { kind: "bot" } }>;
type WebhookClient = Extract<SlackClient, { mode: { kind: "webhook" } }>;

const JSON_UTF8 = { "content-type": "application/json; charset=utf-8" };

/** remoteId of a bot post: `<channel id>/<ts>` — chat.delete and chat.getPermalink need both. */
export function botRemoteId(channel: string, ts: string): string {
  return `${channel}/${ts}`;
}

/** @throws Error for an id that is not `<channel>/<ts>`. */
export function parseBotRemoteId(remoteId: string): { channel: string; ts: string } {
  const m = /^([A-Z0-9]+)\/(\d+\.\d+)$/.exec(remoteId);
  if (!m?.[1] || !m[2]) throw new Error(`"${remoteId}" is not a Slack message id (<channel>/<ts>); was it sent through an incoming webhook?`);
  return { channel: m[1], ts: m[2] };
}

/**
 * Webhooks answer a bare `ok` (https://api.slack.com/messaging/webhooks, read 2026-11-27): no
 * message ts, no channel, no URL. The delivery's idempotency key is the stable stand-in for an id.
 */
export function webhookRemoteId(idempotencyKey: string): string {
  return `webhook:${idempotencyKey}`;
}

/** "hooks.slack.com/services/T…/B…/…": names the webhook without its secret part. */
function describeWebhook(url: string): string {
  const [, , team, hook] = new URL(url).pathname.split("/");
  return `incoming webhook ${hook ?? "?"} of workspace ${team ?? "?"}`;
}

/**
 * Calls a Web API method with a JSON body, or (`get`) with query parameters — read methods such as
 * chat.getPermalink take form fields, not JSON (https://api.slack.com/web#posting_json, read 2026-11-27).
 * Resolves to the answer when `ok: true`. @throws SlackError for `ok: false` or an answer without `ok`.
 */
async function call({ http }: BotClient, method: string, params: Record<string, unknown>, signal: AbortSignal, get = false): Promise<Record<string, unknown>> {
  const route = `/${method}`;
  const res = get
    ? await http.get(route, { signal, route, query: params as Record<string, string> })
    : await http.post(route, { signal, route, json: params, headers: JSON_UTF8 });
  const body = objectOf(res.body);
  if (body?.ok === true) return body;
  const error = typeof body?.error === "string" ? body.error : undefined;
  const extra = body ? extraOf(body) : String(res.body ?? "").trim().slice(0, 200) || undefined;
  throw new SlackError(method, res.status, error, extra);
}

/**
 * Posts to an incoming webhook. https://api.slack.com/messaging/webhooks (read 2026-11-27): success
 * is HTTP 200 with the body `ok`; errors are a status code and a plain-text body such as `no_text`.
 * @throws SlackError for a 2xx that is not `ok`; HttpError for any other status.
 */
async function postWebhook(client: WebhookClient, payload: SlackPayload, signal: AbortSignal): Promise<void> {
  const res = await client.http.post(client.webhookPath, { signal, route: WEBHOOK_ROUTE, json: payload, headers: JSON_UTF8 });
  const text = typeof res.body === "string" ? res.body.trim() : JSON.stringify(res.body ?? "");
  if (res.status === 200 && text === "ok") return;
  const word = webhookWord(text);
  throw new SlackError("webhook", res.status, word, word ? undefined : text.slice(0, 200) || undefined);
}

/** https://api.slack.com/methods/chat.getPermalink (read 2026-11-27); null when it fails: the post is made either way. */
async function permalink(client: BotClient, channel: string, ts: string, signal: AbortSignal): Promise<string | null> {
  try {
    const answer = await call(client, "chat.getPermalink", { channel, message_ts: ts }, signal, true);
    return typeof answer.permalink === "string" ? answer.permalink : null;
  } catch (err) {
    client.logger.warn({ err, channel, ts }, "slack: posted, but chat.getPermalink failed; recording the post without a URL");
    return null;
  }
}

export async function sendSlack(client: SlackClient, payload: SlackPayload, ctx: SendContext): Promise<SentPost> {
  if (client.mode.kind === "webhook") {
    await postWebhook(client as WebhookClient, payload, ctx.signal);
    return { remoteId: webhookRemoteId(ctx.idempotencyKey), remoteUrl: null };
  }
  const bot = client as BotClient;
  // https://api.slack.com/methods/chat.postMessage (read 2026-11-27): `{ok: true, channel, ts, message}`.
  const posted = await call(bot, "chat.postMessage", { channel: bot.mode.channel, ...payload }, ctx.signal);
  const channel = typeof posted.channel === "string" ? posted.channel : "";
  const ts = typeof posted.ts === "string" ? posted.ts : "";
  if (!channel || !ts) throw new ResponseBodyError({ method: "POST", route: "/chat.postMessage" }, 200, "ok without channel and ts");
  return { remoteId: botRemoteId(channel, ts), remoteUrl: await permalink(bot, channel, ts, ctx.signal) };
}

export async function checkSlack(client: SlackClient, signal: AbortSignal): Promise<string> {
  // Every request to a webhook URL is a post: there is no call that checks one without posting.
  if (client.mode.kind === "webhook") return `${describeWebhook(client.mode.url)} (not verified: Slack has no harmless call for webhooks; the first post will tell)`;
  // https://api.slack.com/methods/auth.test (read 2026-11-27): `{ok, url, team, user, team_id, user_id, bot_id}`.
  const me = await call(client as BotClient, "auth.test", {}, signal);
  return `@${String(me.user ?? "?")} in ${String(me.team ?? "?")} (${String(me.url ?? "")})`;
}

/** https://api.slack.com/methods/chat.delete (read 2026-11-27): a bot token deletes the bot's own messages. Bot mode only (canDelete). */
export async function deleteSlack(client: SlackClient, remoteId: string, signal: AbortSignal): Promise<void> {
  const { channel, ts } = parseBotRemoteId(remoteId);
  await call(client as BotClient, "chat.delete", { channel, ts }, signal);
}
