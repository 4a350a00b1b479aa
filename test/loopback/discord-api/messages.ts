// Webhook routes (https://discord.com/developers/docs/resources/webhook, read 2026-11-27): Execute
// Webhook, Get Webhook with Token, Get/Delete Webhook Message. Called after the id and token were checked.
import { DISCORD_SNOWFLAKE, snowflakeIds } from "../harness-ids.js";
import * as E from "./errors.js";
import type { LoopbackWebhook, Reply, StoredMessage } from "./types.js";
import { isEmptyMessage, mentionsOf, validateExecute } from "./validate.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** https://discord.com/developers/docs/reference#boolean-query-strings (read 2026-11-27): True/true/1, False/false/0. */
export function booleanQuery(value: string | undefined, fallback: boolean): boolean | null {
  if (value === undefined) return fallback;
  if (["True", "true", "1"].includes(value)) return true;
  if (["False", "false", "0"].includes(value)) return false;
  return null;
}

/** #webhook-object, as Get Webhook with Token returns it: "returns no user in the webhook object". */
export function webhookObject(w: LoopbackWebhook): Record<string, unknown> {
  return { application_id: null, avatar: null, channel_id: w.channelId, guild_id: w.guildId, id: w.id, name: w.name, type: 1, token: w.token };
}

/** #message-object (a webhook's message: author is the webhook, `webhook_id` set; REST objects carry no guild_id). */
export function messageObject(m: StoredMessage): Record<string, unknown> {
  return {
    type: 0,
    content: m.content,
    mentions: m.mentionUsers.map((id) => ({ id, username: `user${id.slice(-4)}`, discriminator: "0", avatar: null })),
    mention_roles: m.mentionRoles,
    attachments: [],
    embeds: m.embeds,
    timestamp: m.timestamp,
    edited_timestamp: null,
    flags: m.flags,
    components: [],
    id: m.id,
    channel_id: m.channelId,
    author: { bot: true, id: m.webhookId, username: m.username, avatar: null, discriminator: "0000" },
    pinned: false,
    mention_everyone: m.mentionEveryone,
    tts: m.tts,
    webhook_id: m.webhookId,
  };
}

/** Embeds as Discord stores them: `type` is always "rich" for webhook embeds; strings trimmed (#embed-limits). */
function storedEmbed(e: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === "string" ? v.trim() : v;
  if (isObject(out.footer) && typeof out.footer.text === "string") out.footer = { ...out.footer, text: out.footer.text.trim() };
  return { ...out, type: "rich" };
}

export class Messages {
  // Snowflakes as Discord makes them (https://discord.com/developers/docs/reference#snowflakes, read 2026-11-27).
  private readonly nextId = snowflakeIds(DISCORD_SNOWFLAKE);
  constructor(private readonly messages: StoredMessage[]) {}

  /** POST /webhooks/{id}/{token}: query wait, thread_id; JSON body. Stores the message even for wait=false. */
  execute(w: LoopbackWebhook, query: Record<string, string>, json: unknown): Reply {
    const wait = booleanQuery(query.wait, false);
    if (wait === null) return E.invalidFormBody({ wait: { _errors: [{ code: "BOOLEAN_TYPE_CONVERT", message: "Must be either true or false." }] } });
    if (!isObject(json)) return E.invalidJson();
    const { errors } = validateExecute(json);
    if (Object.keys(errors).length) return E.invalidFormBody(errors);
    if (isEmptyMessage(json)) return E.emptyMessage();

    // #execute-webhook: a forum/media channel needs thread_id or thread_name; thread_id names a thread of the channel.
    const threadId = query.thread_id;
    if (w.forum && !threadId && json.thread_name === undefined) return E.forumNeedsThread();
    if (w.forum && threadId && json.thread_name !== undefined) return E.forumThreadBoth();
    if (!w.forum && json.thread_name !== undefined) return E.threadsOnlyInForums();
    if (threadId !== undefined && !(w.threadIds ?? []).includes(threadId)) return E.unknownChannel();

    const content = typeof json.content === "string" ? json.content : "";
    const mentions = mentionsOf(content, json.allowed_mentions);
    const id = this.nextId();
    const message: StoredMessage = {
      id,
      webhookId: w.id,
      channelId: threadId ?? (typeof json.thread_name === "string" ? this.nextId() : w.channelId),
      guildId: w.guildId,
      content,
      embeds: (Array.isArray(json.embeds) ? (json.embeds as Array<Record<string, unknown>>) : []).map(storedEmbed),
      username: typeof json.username === "string" ? json.username.trim() : w.name,
      avatarUrl: typeof json.avatar_url === "string" ? json.avatar_url : null,
      tts: json.tts === true,
      flags: typeof json.flags === "number" ? json.flags : 0,
      mentionEveryone: mentions.everyone,
      mentionUsers: mentions.users,
      mentionRoles: mentions.roles,
      timestamp: new Date().toISOString().replace("Z", "+00:00"),
      deleted: false,
    };
    this.messages.push(message);
    // "Returns a message or 204 No Content depending on the wait query parameter."
    return wait ? { status: 200, body: messageObject(message), headers: { ...E.JSON_TYPE } } : { status: 204 };
  }

  /** The webhook's live message in the given thread (or the channel); undefined otherwise. */
  private find(w: LoopbackWebhook, messageId: string, threadId: string | undefined): StoredMessage | undefined {
    // Loopback choice: a message in a thread is found only with that thread_id (#get-webhook-message: "id of the thread the message is in").
    const channelId = threadId ?? w.channelId;
    return this.messages.find((m) => m.id === messageId && m.webhookId === w.id && !m.deleted && m.channelId === channelId);
  }

  /** GET /webhooks/{id}/{token}/messages/{message.id} → the message object, or 404 Unknown Message. */
  get(w: LoopbackWebhook, messageId: string, query: Record<string, string>): Reply {
    const m = this.find(w, messageId, query.thread_id);
    return m ? { status: 200, body: messageObject(m), headers: { ...E.JSON_TYPE } } : E.unknownMessage();
  }

  /** DELETE /webhooks/{id}/{token}/messages/{message.id} → 204 No Content, or 404 Unknown Message. */
  delete(w: LoopbackWebhook, messageId: string, query: Record<string, string>): Reply {
    const m = this.find(w, messageId, query.thread_id);
    if (!m) return E.unknownMessage();
    m.deleted = true;
    return { status: 204 };
  }
}
