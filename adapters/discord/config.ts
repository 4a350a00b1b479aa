import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/**
 * API v10, not the unversioned `https://discord.com/api`: the unversioned path serves the
 * deprecated default version (v6 in https://discord.com/developers/docs/reference#api-versioning),
 * whose 429s and error bodies predate the documented seconds-based `retry_after` and the v8+
 * `{ code, message, errors }` form errors that classify.ts reads.
 */
export const DISCORD_API_BASE = "https://discord.com/api/v10";

/** Hosts Discord hands out webhook URLs on (stable, canary and PTB clients; the old discordapp.com). */
const WEBHOOK_HOSTS = new Set(["discord.com", "canary.discord.com", "ptb.discord.com", "discordapp.com", "canary.discordapp.com", "ptb.discordapp.com"]);
// https://discord.com/developers/docs/resources/webhook#execute-webhook: /webhooks/{webhook.id}/{webhook.token};
// ids are snowflakes (decimal strings), tokens URL-safe characters.
const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/([0-9]{15,20})\/([A-Za-z0-9_-]{20,200})\/?$/;
const SNOWFLAKE = /^[0-9]{15,20}$/;
// The core validates the structure before it resolves `${ENV}` (src/config/load.ts).
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export interface WebhookRef {
  id: string;
  token: string;
}

/** The webhook id and token in a Discord webhook URL, or null when it is not one. Pure. */
export function parseWebhookUrl(value: string): WebhookRef | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || !WEBHOOK_HOSTS.has(url.hostname) || url.search || url.hash || url.username) return null;
  const m = WEBHOOK_PATH.exec(url.pathname);
  return m?.[1] && m[2] ? { id: m[1], token: m[2] } : null;
}

/** "#5865F2" or 0x5865F2 → 5793266. */
const color = z
  .union([
    z.number().int().min(0).max(0xffffff),
    z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be an integer or "#RRGGBB"').transform((hex) => Number.parseInt(hex.slice(1), 16)),
  ])
  .register(z.globalRegistry, { description: 'Colour of the embed\'s left bar: an integer (0x5865F2 in YAML) or "#RRGGBB". Default: none (Discord\'s grey).' });

export const discordConfig = z
  .object({
    webhookUrl: z
      .string()
      .refine(
        (v) => ENV_REF.test(v) || parseWebhookUrl(v) !== null,
        "must be a Discord webhook URL like https://discord.com/api/webhooks/<id>/<token> (without ?thread_id=: use threadId), or a ${ENV} reference",
      )
      .register(z.globalRegistry, { ...SECRET, description: "The webhook's URL (channel settings → Integrations → Webhooks → Copy Webhook URL). A secret — anyone with it can post: write it as ${DISCORD_WEBHOOK_URL}." }),
    apiBase: z
      .url({ protocol: /^https?$/ })
      .default(DISCORD_API_BASE)
      .register(z.globalRegistry, { description: "API root the requests go to, as `<apiBase>/webhooks/<id>/<token>`; the id and token come from webhookUrl. Change only for a proxy or a test double." }),
    username: z
      .string()
      .trim()
      .min(1)
      .max(80)
      // https://discord.com/developers/docs/resources/webhook#create-webhook: a webhook name may not
      // contain "clyde" or "discord"; Discord applies the same rule to the execute-time override.
      .refine((v) => !/clyde|discord/i.test(v), 'must not contain "discord" or "clyde" (Discord refuses such names)')
      .optional()
      .register(z.globalRegistry, { description: "Name shown on the posts instead of the webhook's own (1-80 characters)." }),
    avatarUrl: z.url({ protocol: /^https?$/ }).optional().register(z.globalRegistry, { description: "Image URL shown as the poster's avatar instead of the webhook's." }),
    color: color.optional(),
    threadId: z
      .string()
      .refine((v) => SNOWFLAKE.test(v) || ENV_REF.test(v), "must be a thread id (digits, quoted in YAML: ids are too long for a YAML number)")
      .optional()
      .register(z.globalRegistry, { description: "Post into this thread of the webhook's channel (required for forum channels). Quote it: \"1234567890123456789\"." }),
  })
  .strict();

export type DiscordConfig = z.infer<typeof discordConfig>;
