/**
 * The webhook's calls, as functions of the connected client (open.ts). Types only from the JSON
 * client, so that index.ts names them without loading undici. `ctx.signal` is the only bound on a
 * send; errors are let through for classify.ts and the kit. A request is named by its route
 * (`/webhooks/{id}/{token}`), never by its URL: the token is a secret.
 */
import { ResponseBodyError, encodePath, type SendContext, type SentPost } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import type { DiscordPayload } from "./render.js";

/** https://discord.com/developers/docs/reference#user-agent (read 2026-05-13): "DiscordBot ($url, $versionNumber)". */
export const USER_AGENT = "DiscordBot (crier, 0.1.0)";

/** Where one webhook lives: `<apiBase>/webhooks/<id>/<token>`, optionally in a thread. */
export interface WebhookTarget {
  id: string;
  token: string;
  threadId?: string;
}

/** The webhook object (https://discord.com/developers/docs/resources/webhook#webhook-object; fields used here). */
export interface WebhookObject {
  id: string;
  name: string | null;
  channel_id: string | null;
  guild_id?: string | null;
}

/** What `connect` opens. `webhook` is what the last Get Webhook answered (connect, check). */
export interface DiscordClient {
  http: JsonClient;
  target: WebhookTarget;
  webhook: WebhookObject | null;
}

const WEBHOOK_ROUTE = "/webhooks/{id}/{token}";
const MESSAGE_ROUTE = "/webhooks/{id}/{token}/messages/{message.id}";
const isString = (v: unknown): v is string => typeof v === "string" && v !== "";
const webhookPath = (t: WebhookTarget) => encodePath`/webhooks/${t.id}/${t.token}`;

/**
 * https://discord.com/channels/<guild id>/<channel id>/<message id> — the client's "Copy Message
 * Link". In a thread the channel id is the thread's. Null when the webhook's guild is unknown.
 */
export function postUrl(guildId: string | null | undefined, channelId: string, messageId: string): string | null {
  return guildId ? `https://discord.com/channels/${guildId}/${channelId}/${messageId}` : null;
}

/** "Crier News" → channel 1234 (guild 5678): one line naming the webhook. */
export function describeWebhook(w: WebhookObject): string {
  return `webhook "${w.name ?? w.id}" → channel ${w.channel_id ?? "?"}${w.guild_id ? ` (guild ${w.guild_id})` : ""}`;
}

/** `GET /webhooks/{id}/{token}` (#get-webhook-with-token): no authentication beyond the token. */
export async function getWebhook({ http, target }: DiscordClient, signal: AbortSignal): Promise<WebhookObject> {
  const { status, body } = await http.get<Record<string, unknown> | null>(webhookPath(target), { signal, route: WEBHOOK_ROUTE });
  if (!body || !isString(body.id)) throw new ResponseBodyError({ method: "GET", route: WEBHOOK_ROUTE }, status, "no webhook object");
  return {
    id: body.id,
    name: isString(body.name) ? body.name : null,
    channel_id: isString(body.channel_id) ? body.channel_id : null,
    guild_id: isString(body.guild_id) ? body.guild_id : null,
  };
}

/**
 * `POST /webhooks/{id}/{token}?wait=true` (#execute-webhook): `wait` makes Discord confirm the
 * message was saved and return it, with its id. Execute Webhook takes no idempotency key.
 */
export async function sendDiscord(client: DiscordClient, payload: DiscordPayload, ctx: SendContext): Promise<SentPost> {
  const { http, target } = client;
  const { status, body } = await http.post<Record<string, unknown> | null>(webhookPath(target), {
    signal: ctx.signal, route: WEBHOOK_ROUTE, query: { wait: "true", thread_id: target.threadId }, json: payload,
  });
  if (!body || !isString(body.id) || !isString(body.channel_id)) throw new ResponseBodyError({ method: "POST", route: WEBHOOK_ROUTE }, status, "no message id");
  return { remoteId: body.id, remoteUrl: postUrl(client.webhook?.guild_id, body.channel_id, body.id) };
}

/** Reads the webhook again: proves it still exists, and names it. */
export async function checkDiscord(client: DiscordClient, signal: AbortSignal): Promise<string> {
  client.webhook = await getWebhook(client, signal);
  return describeWebhook(client.webhook);
}

/** `DELETE /webhooks/{id}/{token}/messages/{message.id}` (#delete-webhook-message): 204. */
export async function deleteDiscord({ http, target }: DiscordClient, messageId: string, signal: AbortSignal): Promise<void> {
  if (!/^[0-9]{1,20}$/.test(messageId)) throw new Error(`"${messageId}" is not a Discord message id`);
  await http.delete(`${webhookPath(target)}${encodePath`/messages/${messageId}`}`, { signal, route: MESSAGE_ROUTE, query: { thread_id: target.threadId } });
}
