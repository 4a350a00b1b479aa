import type { ConnectDeps, Connection, SentPost } from "../../src/core/index.js";
import { createHttp, deleteMessage, executeWebhook, getWebhook, type WebhookObject, type WebhookTarget } from "./client.js";
import { parseWebhookUrl, type DiscordConfig } from "./config.js";
import { discordLimits, type DiscordPayload } from "./render.js";

/**
 * https://discord.com/channels/<guild id>/<channel id>/<message id> — the client's "Copy Message
 * Link". In a thread the channel id is the thread's. Null when the webhook's guild is unknown.
 */
export function postUrl(guildId: string | null | undefined, channelId: string, messageId: string): string | null {
  return guildId ? `https://discord.com/channels/${guildId}/${channelId}/${messageId}` : null;
}

/** The target of a config whose `${ENV}` references are resolved. @throws Error for a webhookUrl that is not one. */
export function webhookTarget(cfg: DiscordConfig): WebhookTarget {
  const ref = parseWebhookUrl(cfg.webhookUrl);
  if (!ref) throw new Error("webhookUrl is not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)");
  return { apiBase: cfg.apiBase, ...ref, ...(cfg.threadId ? { threadId: cfg.threadId } : {}) };
}

/** "Crier News" → channel 1234 (guild 5678): one line naming the webhook. */
function describeWebhook(w: WebhookObject): string {
  return `webhook "${w.name ?? w.id}" → channel ${w.channel_id ?? "?"}${w.guild_id ? ` (guild ${w.guild_id})` : ""}`;
}

/**
 * Opens a client and reads the webhook (GET /webhooks/{id}/{token}): proves it still exists before
 * the first send, and learns the guild that message links need (Execute Webhook's answer has no guild_id).
 * @throws what the GET throws (a deleted webhook: 404 Unknown Webhook), for classify.
 */
export async function connectDiscord(cfg: DiscordConfig, deps: ConnectDeps): Promise<Connection<DiscordPayload>> {
  const target = webhookTarget(cfg);
  const http = createHttp(deps.timeoutMs);
  let webhook: WebhookObject;
  try {
    webhook = await getWebhook(http, target, new AbortController().signal);
  } catch (err) {
    await http.agent.destroy().catch(() => undefined);
    throw err;
  }
  deps.logger.debug({ webhook: describeWebhook(webhook) }, "discord webhook found");

  return {
    limits: discordLimits(cfg),
    async send(payload, ctx): Promise<SentPost> {
      const message = await executeWebhook(http, target, payload, ctx.signal);
      return { remoteId: message.id, remoteUrl: postUrl(webhook.guild_id, message.channel_id, message.id) };
    },
    async check(signal) {
      webhook = await getWebhook(http, target, signal);
      return describeWebhook(webhook);
    },
    async delete(remoteId, signal) {
      await deleteMessage(http, target, remoteId, signal);
    },
    async close() {
      await http.agent.destroy().catch(() => undefined);
    },
  };
}
