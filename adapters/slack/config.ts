import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/** Web API root (https://api.slack.com/web#basics: methods are `https://slack.com/api/METHOD`). */
export const DEFAULT_API_BASE = "https://slack.com/api";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts), so a field
// that may hold a reference has to accept one; the second pass sees the resolved value.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
// https://api.slack.com/messaging/webhooks: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX".
// GovSlack workspaces get hooks.slack-gov.com. Workflow Builder URLs (/workflows/, /triggers/)
// take other payloads and are refused here.
const WEBHOOK_HOSTS = new Set(["hooks.slack.com", "hooks.slack-gov.com"]);
const WEBHOOK_PATH = /^\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+$/;
// https://api.slack.com/authentication/token-types#bot: bot tokens start with xoxb-.
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
// chat.postMessage `channel`: "An encoded ID or channel name". IDs: C… public, G… private (legacy), D… DM.
// Names: lowercase letters, digits, - and _, at most 80 (https://slack.com/help/articles/201402297).
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const CHANNEL_NAME = /^#?[a-z0-9][a-z0-9_-]{0,79}$/;

export function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && WEBHOOK_HOSTS.has(url.hostname) && WEBHOOK_PATH.test(url.pathname) && !url.search && !url.hash;
  } catch {
    return false;
  }
}

function isBase(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

const secretNote = "A secret: write it as `${ENV_VAR}` rather than in the file.";

export const slackConfig = z
  .object({
    webhookUrl: z
      .string()
      .refine((v) => ENV_REF.test(v) || isWebhookUrl(v), "must be an incoming-webhook URL like https://hooks.slack.com/services/T…/B…/… (or a ${ENV} reference)")
      .register(z.globalRegistry, SECRET)
      .optional()
      .register(z.globalRegistry, { description: `Incoming webhook URL (posts to the channel picked when the webhook was made). Use this or botToken + channel. ${secretNote}` }),
    botToken: z
      .string()
      .refine((v) => ENV_REF.test(v) || BOT_TOKEN.test(v), "must be a bot token starting with xoxb- (or a ${ENV} reference)")
      .register(z.globalRegistry, SECRET)
      .optional()
      .register(z.globalRegistry, { description: `Bot User OAuth Token (xoxb-…) of a Slack app with the chat:write scope; posts with chat.postMessage. ${secretNote}` }),
    channel: z
      .string()
      .refine((v) => ENV_REF.test(v) || CHANNEL_ID.test(v) || CHANNEL_NAME.test(v), "must be a channel ID (C0123ABCD) or a lowercase channel name (#news)")
      .optional()
      .register(z.globalRegistry, { description: "With botToken: the channel ID (C0123ABCD, preferred: survives renames) or #name. The bot must be a member." }),
    apiBase: z
      .string()
      .default(DEFAULT_API_BASE)
      .refine(isBase, "must be an http(s) URL without query, fragment or credentials")
      .register(z.globalRegistry, { description: "Web API root for bot mode; change only for a proxy or a test double." }),
    webhookBase: z
      .string()
      .refine(isBase, "must be an http(s) URL without query, fragment or credentials")
      .optional()
      .register(z.globalRegistry, { description: "Webhook mode: send to this origin (and path prefix) instead of the webhook URL's own; for a proxy or a test double." }),
    unfurlLinks: z.boolean().default(true).register(z.globalRegistry, { description: "Let Slack show a preview of the article's link under the post (unfurl_links)." }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const has = (v: string | undefined) => v !== undefined && v !== "";
    if (has(cfg.webhookUrl) && (has(cfg.botToken) || has(cfg.channel))) {
      const path = has(cfg.botToken) ? "botToken" : "channel";
      ctx.addIssue({ code: "custom", path: [path], message: "give either webhookUrl, or botToken and channel, not both: remove one mode" });
    } else if (!has(cfg.webhookUrl) && !has(cfg.botToken) && !has(cfg.channel)) {
      ctx.addIssue({ code: "custom", path: ["webhookUrl"], message: "required: an incoming webhookUrl, or botToken and channel" });
    } else if (!has(cfg.webhookUrl) && !has(cfg.botToken)) {
      ctx.addIssue({ code: "custom", path: ["botToken"], message: "required with channel (or use webhookUrl instead)" });
    } else if (!has(cfg.webhookUrl) && !has(cfg.channel)) {
      ctx.addIssue({ code: "custom", path: ["channel"], message: "required with botToken: the channel ID (C0123ABCD) or #name to post to" });
    }
    if (cfg.webhookBase !== undefined && !has(cfg.webhookUrl)) {
      ctx.addIssue({ code: "custom", path: ["webhookBase"], message: "only used with webhookUrl" });
    }
  });

export type SlackConfig = z.infer<typeof slackConfig>;

export type SlackMode =
  | { kind: "webhook"; url: string }
  | { kind: "bot"; token: string; channel: string };

/** Which of the two modes a parsed config is in. @throws Error for a config that skipped validation. */
export function modeOf(cfg: SlackConfig): SlackMode {
  if (cfg.webhookUrl) return { kind: "webhook", url: cfg.webhookUrl };
  if (cfg.botToken && cfg.channel) return { kind: "bot", token: cfg.botToken, channel: cfg.channel };
  throw new Error("slack: set webhookUrl, or botToken and channel");
}

/**
 * Where a webhook request goes: the configured URL, or its path under `webhookBase`
 * ("http://127.0.0.1:8080/prefix" + "/services/T…/B…/…"). Pure.
 */
export function webhookTarget(url: string, webhookBase: string | undefined): string {
  if (!webhookBase) return url;
  const base = new URL(webhookBase);
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}${new URL(url).pathname}`;
}
