import type { ConnectDeps, Connection, SentPost } from "../../src/core/index.js";
import { SlackHttp } from "./client.js";
import { methodUrl, modeOf, webhookTarget, type SlackConfig } from "./config.js";
import { slackLimits, type SlackPayload } from "./render.js";

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
 * Webhooks answer a bare `ok` (https://api.slack.com/messaging/webhooks): no message ts, no
 * channel, no URL. The delivery's idempotency key is the stable stand-in for an id.
 */
export function webhookRemoteId(idempotencyKey: string): string {
  return `webhook:${idempotencyKey}`;
}

/** "hooks.slack.com/services/T…/B…/…": names the webhook without its secret part. */
function describeWebhook(url: string): string {
  const u = new URL(url);
  const [, , team, hook] = u.pathname.split("/");
  return `incoming webhook ${hook ?? "?"} of workspace ${team ?? "?"}`;
}

/** Opens a client: no network until the first call. */
export async function connectSlack(cfg: SlackConfig, deps: ConnectDeps): Promise<Connection<SlackPayload>> {
  const http = new SlackHttp(deps.timeoutMs);
  const mode = modeOf(cfg);
  const limits = slackLimits(cfg);
  const close = () => http.close();

  if (mode.kind === "webhook") {
    const target = webhookTarget(mode.url, cfg.webhookBase);
    return {
      limits,
      async send(payload, ctx): Promise<SentPost> {
        await http.webhook(target, payload, ctx.signal);
        return { remoteId: webhookRemoteId(ctx.idempotencyKey), remoteUrl: null };
      },
      // Every request to a webhook URL is a post: there is no call that checks one without posting.
      async check() {
        return `${describeWebhook(mode.url)} (not verified: Slack has no harmless call for webhooks; the first post will tell)`;
      },
      // No `delete`: webhook posts have no ts to delete by (capabilities.delete is for bot mode).
      close,
    };
  }

  const api = (method: string) => methodUrl(cfg.apiBase, method);
  return {
    limits,
    async send(payload, ctx): Promise<SentPost> {
      // https://api.slack.com/methods/chat.postMessage: `{ok: true, channel, ts, message}`.
      const posted = await http.call(api("chat.postMessage"), "chat.postMessage", mode.token, { channel: mode.channel, ...payload }, ctx.signal);
      const channel = String(posted.channel ?? "");
      const ts = String(posted.ts ?? "");
      if (!channel || !ts) throw new Error("chat.postMessage answered ok without channel and ts; the post may exist");
      return { remoteId: botRemoteId(channel, ts), remoteUrl: await permalink(channel, ts, ctx.signal) };
    },
    async check(signal) {
      // https://api.slack.com/methods/auth.test: `{ok, url, team, user, team_id, user_id, bot_id}`.
      const me = await http.call(api("auth.test"), "auth.test", mode.token, {}, signal);
      return `@${String(me.user ?? "?")} in ${String(me.team ?? "?")} (${String(me.url ?? "")})`;
    },
    async delete(remoteId, signal) {
      // https://api.slack.com/methods/chat.delete: a bot token deletes the bot's own messages.
      const { channel, ts } = parseBotRemoteId(remoteId);
      await http.call(api("chat.delete"), "chat.delete", mode.token, { channel, ts }, signal);
    },
    close,
  };

  /** https://api.slack.com/methods/chat.getPermalink; null when it fails: the post is made either way. */
  async function permalink(channel: string, ts: string, signal: AbortSignal): Promise<string | null> {
    if (mode.kind !== "bot") return null;
    try {
      const answer = await http.call(api("chat.getPermalink"), "chat.getPermalink", mode.token, { channel, message_ts: ts }, signal, true);
      return typeof answer.permalink === "string" ? answer.permalink : null;
    } catch (err) {
      deps.logger.warn({ err, channel, ts }, "slack: posted, but chat.getPermalink failed; recording the post without a URL");
      return null;
    }
  }
}
