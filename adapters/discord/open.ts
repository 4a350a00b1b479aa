/**
 * Opening a Discord destination: the webhook's JsonClient, then a read of the webhook. Loaded by
 * `connect` only, on first use (the JSON client loads undici).
 */
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import { parseWebhookUrl, type DiscordConfig } from "./config.js";
import { USER_AGENT, describeWebhook, getWebhook, type DiscordClient, type WebhookTarget } from "./send.js";

/** The target of a config whose `${ENV}` references are resolved. @throws Error for a webhookUrl that is not one. */
export function webhookTarget(cfg: DiscordConfig): WebhookTarget {
  const ref = parseWebhookUrl(cfg.webhookUrl);
  if (!ref) throw new Error("webhookUrl is not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)");
  return { ...ref, ...(cfg.threadId ? { threadId: cfg.threadId } : {}) };
}

/** A client, no network yet. The token (and the URL holding it) is taken out of every error. */
export function openDiscord(cfg: DiscordConfig): DiscordClient {
  const target = webhookTarget(cfg);
  const http = new JsonClient({ baseUrl: cfg.apiBase, headers: { "user-agent": USER_AGENT }, secrets: [target.token, cfg.webhookUrl] });
  return { http, target, webhook: null };
}

/**
 * Opens a client and reads the webhook (GET /webhooks/{id}/{token}): proves it still exists before
 * the first send, and learns the guild that message links need (Execute Webhook's answer has no
 * guild_id). Bounded by the destination's timeoutMs: connect is given no signal.
 * @throws what the GET throws (a deleted webhook: 404 Unknown Webhook), for classify.
 */
export async function connectDiscord(cfg: DiscordConfig, deps: ConnectDeps): Promise<DiscordClient> {
  const client = openDiscord(cfg);
  try {
    client.webhook = await getWebhook(client, AbortSignal.timeout(deps.timeoutMs));
  } catch (err) {
    await client.http.close();
    throw err;
  }
  deps.logger.debug({ webhook: describeWebhook(client.webhook) }, "discord webhook found");
  return client;
}
