/**
 * The webhook's HTTP calls (undici). Errors carry what classify.ts needs and never the token: a
 * request is named by its route (`POST /webhooks/{id}/{token}`), not its URL.
 */
import { Agent, request } from "../../src/core/http.js";
import { DiscordApiError, DiscordResponseError, type DiscordErrorBody, type KeptHeaders } from "./errors.js";
import type { DiscordPayload } from "./render.js";

export { DiscordApiError, DiscordResponseError, type DiscordErrorBody, type KeptHeaders } from "./errors.js";

/** https://discord.com/developers/docs/reference#user-agent: "DiscordBot ($url, $versionNumber)". */
export const USER_AGENT = "DiscordBot (crier, 0.1.0)";

/** Where one webhook lives: `<apiBase>/webhooks/<id>/<token>`, optionally in a thread. */
export interface WebhookTarget {
  apiBase: string;
  id: string;
  token: string;
  threadId?: string;
}

export interface DiscordHttp {
  agent: Agent;
  timeoutMs: number;
}

/** A client with its own connection pool (so that close() releases it) and the destination's timeouts. */
export function createHttp(timeoutMs: number): DiscordHttp {
  return { agent: new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }), timeoutMs };
}

const KEPT = /^(retry-after|date|x-ratelimit-[a-z-]+)$/;

function keptHeaders(headers: Record<string, string | string[] | undefined>): KeptHeaders {
  const out: KeptHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (KEPT.test(name) && value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function webhookUrl(t: WebhookTarget, suffix: string, query: Record<string, string | undefined>): string {
  const url = new URL(`${t.apiBase.replace(/\/+$/, "")}/webhooks/${t.id}/${t.token}${suffix}`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * One call. Resolves to the parsed JSON body of a 2xx (null for 204).
 * @throws DiscordApiError (non-2xx), DiscordResponseError (unreadable 2xx), or undici's/the signal's error.
 */
async function call(http: DiscordHttp, method: "GET" | "POST" | "DELETE", route: string, url: string, signal: AbortSignal, body?: unknown): Promise<unknown> {
  const res = await request(url, {
    method,
    dispatcher: http.agent,
    signal: AbortSignal.any([signal, AbortSignal.timeout(http.timeoutMs)]),
    headers: { "user-agent": USER_AGENT, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 200 && res.statusCode < 300) {
    if (res.statusCode === 204) return null;
    const json = parseJson(text);
    if (json === undefined) throw new DiscordResponseError(route, res.statusCode, "not JSON");
    return json;
  }
  const json = parseJson(text);
  const errorBody = json && typeof json === "object" && !Array.isArray(json) ? (json as DiscordErrorBody) : null;
  throw new DiscordApiError(route, res.statusCode, errorBody, keptHeaders(res.headers));
}

/** The message object Execute Webhook returns with `wait=true` (fields used here). */
export interface MessageObject {
  id: string;
  channel_id: string;
}

/** The webhook object (https://discord.com/developers/docs/resources/webhook#webhook-object; fields used here). */
export interface WebhookObject {
  id: string;
  name: string | null;
  channel_id: string | null;
  guild_id?: string | null;
}

const isString = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * `POST /webhooks/{id}/{token}?wait=true` (#execute-webhook): `wait` makes Discord confirm the
 * message was saved and return it, with its id.
 */
export async function executeWebhook(http: DiscordHttp, t: WebhookTarget, payload: DiscordPayload, signal: AbortSignal): Promise<MessageObject> {
  const route = "POST /webhooks/{id}/{token}";
  const json = (await call(http, "POST", route, webhookUrl(t, "", { wait: "true", thread_id: t.threadId }), signal, payload)) as Record<string, unknown> | null;
  if (!json || !isString(json.id) || !isString(json.channel_id)) throw new DiscordResponseError(route, 200, "no message id");
  return { id: json.id, channel_id: json.channel_id };
}

/** `GET /webhooks/{id}/{token}` (#get-webhook-with-token): no authentication beyond the token. */
export async function getWebhook(http: DiscordHttp, t: WebhookTarget, signal: AbortSignal): Promise<WebhookObject> {
  const route = "GET /webhooks/{id}/{token}";
  const json = (await call(http, "GET", route, webhookUrl(t, "", {}), signal)) as Record<string, unknown> | null;
  if (!json || !isString(json.id)) throw new DiscordResponseError(route, 200, "no webhook object");
  return {
    id: json.id,
    name: isString(json.name) ? json.name : null,
    channel_id: isString(json.channel_id) ? json.channel_id : null,
    guild_id: isString(json.guild_id) ? json.guild_id : null,
  };
}

/** `DELETE /webhooks/{id}/{token}/messages/{message.id}` (#delete-webhook-message): 204. */
export async function deleteMessage(http: DiscordHttp, t: WebhookTarget, messageId: string, signal: AbortSignal): Promise<void> {
  if (!/^[0-9]{1,20}$/.test(messageId)) throw new Error(`"${messageId}" is not a Discord message id`);
  await call(http, "DELETE", "DELETE /webhooks/{id}/{token}/messages/{message.id}", webhookUrl(t, `/messages/${messageId}`, { thread_id: t.threadId }), signal);
}
