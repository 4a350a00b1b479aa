import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { truncate } from "../../src/text/graphemes.js";
import type { DiscordConfig } from "./config.js";
import { codePoints, escapeMarkdown, unescapeMarkdown } from "./text.js";

/**
 * Discord's documented limits, in characters (code points, see text.ts):
 * content https://discord.com/developers/docs/resources/webhook#execute-webhook-json/form-params;
 * embeds https://discord.com/developers/docs/resources/message#embed-object-embed-limits ("the
 * combined sum of characters in all title, description, field.name, field.value, footer.text, and
 * author.name fields across all embeds attached to a message must not exceed 6000 characters").
 */
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096, footerText: 2048, embedTotal: 6000 } as const;

/** One rich embed, as the execute-webhook body takes it (#embed-object-embed-structure). */
export interface DiscordEmbed {
  title?: string;
  /** The article: Discord makes the title a link to it. */
  url?: string;
  description?: string;
  /** ISO 8601; Discord shows it in the reader's time zone. */
  timestamp?: string;
  /** 0xRRGGBB. */
  color?: number;
  footer?: { text: string };
  /**
   * The article's picture, shown large under the text. Only `url` is sent: "source url of image
   * (only supports http(s) and attachments)"; proxy_url, height and width are Discord's to fill
   * (https://discord.com/developers/docs/resources/message#embed-object-embed-image-structure).
   * Embeds have no alt-text field, so `style.image.alt` has nowhere to go. Image URLs are not
   * counted in the 6,000-character embed total (#embed-object-embed-limits).
   */
  image?: { url: string };
}

/**
 * What `send` posts: exactly the JSON body of Execute Webhook
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook). Plain JSON.
 * The thread (`thread_id`) and `wait` are query parameters, added by send.ts.
 */
export interface DiscordPayload {
  /** Text above the embed, from the destination's template; absent when the template is empty. */
  content?: string;
  username?: string;
  avatar_url?: string;
  embeds: DiscordEmbed[];
  /** `parse: []`: nothing in the text pings anyone — not @everyone, @here, roles or users (#allowed-mentions-object). */
  allowed_mentions: { parse: never[] };
}

/**
 * Empty by default: the post is the embed alone (title linked to the article, summary, source,
 * date). A template adds a line above it, e.g. "New on {feed}: {title}" or "{hashtags}".
 */
export const DISCORD_DEFAULT_TEMPLATE = "";

export const DISCORD_LENGTH_UNIT = "characters (Unicode code points, as Discord counts) of the content and the embed's title, description and footer";

/**
 * The whole message: the embed total (6,000) bounds the embed; content (at most 2,000) is counted
 * in the same budget, so that a destination's `maxLength` shortens the post as a reader sees it.
 */
export function discordLimits(_cfg?: DiscordConfig): Limits {
  return { maxLength: DISCORD_LIMITS.embedTotal, unit: DISCORD_LENGTH_UNIT, source: "default" };
}

/**
 * `text`, shortened (never inside a URL or a grapheme) until it is at most `max` code points once
 * transformed. Intl.Segmenter costs ~8 µs a grapheme, so instead of a binary search (a dozen
 * truncations of a 10,000-character summary) the cut is aimed: a grapheme is at least one code
 * point, so `max` graphemes is the most that can fit; each miss shrinks the aim in proportion.
 */
function fit(text: string, max: number, transform: (s: string) => string): string {
  if (max <= 0 || !text) return "";
  const whole = transform(text).trim();
  if (codePoints(whole) <= max) return whole;
  let aim = max;
  while (aim > 0) {
    const candidate = transform(truncate(text, aim)).trim();
    const length = codePoints(candidate);
    if (length <= max) return candidate;
    aim = Math.min(aim - 1, Math.floor((aim * max) / length));
  }
  return "";
}

const plain = (s: string): string => s;

/** The template, fitted by fitTemplate; a summary that cannot fit whole is cut to `max` first, to keep its search short. */
function fitContent(item: FeedItem, style: PostStyle, max: number): string {
  const fields = itemFields(item, style);
  if (codePoints(fields.summary) > max) fields.summary = truncate(fields.summary, max);
  return fitTemplate(style.template, fields, { escape: escapeMarkdown, measure: codePoints, maxLength: max });
}

/** An http(s) URL Discord will accept as the embed's `url` or `image.url`, or null. */
function httpUrl(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:" ? link : null;
  } catch {
    return null;
  }
}

/**
 * Fits content and embed into the message budget: the title first (at most 256), then the footer,
 * then the content (the template, fitted by fitTemplate), and the description (the summary) takes
 * what is left, up to 4,096. Feed text is markdown-escaped (the footer is plain text in Discord);
 * mentions never ping (`allowed_mentions: { parse: [] }`). `style.image` becomes the embed's
 * image: it takes nothing from the text budget. Pure.
 * @throws RenderError when the item has nothing to post, or the template's link alone does not fit.
 */
export function renderDiscord(item: FeedItem, cfg: DiscordConfig, limits: Limits, style: PostStyle): Rendered<DiscordPayload> {
  const url = httpUrl(style.link);
  if (!url && !item.title && !item.summary) {
    throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  }
  const total = Math.min(limits.maxLength, DISCORD_LIMITS.embedTotal);
  let budget = total;
  // The embed's url is applied to its title: an untitled article still gets a title to click.
  // Under a tight operator limit, title and footer take at most a third and a sixth, so that the
  // template's content still fits.
  const titleText = item.title || (url ? new URL(url).hostname : "");
  const title = fit(titleText, Math.min(DISCORD_LIMITS.title, Math.ceil(total / 3)), escapeMarkdown);
  budget -= codePoints(title);
  const footer = fit([item.author, item.feedId].filter(Boolean).join(" · "), Math.min(DISCORD_LIMITS.footerText, Math.ceil(total / 6)), plain);
  budget -= codePoints(footer);
  const content = style.template.trim() ? fitContent(item, style, Math.min(DISCORD_LIMITS.content, budget)) : "";
  budget -= codePoints(content);
  const description = fit(item.summary, Math.min(DISCORD_LIMITS.description, budget), escapeMarkdown);

  const embed: DiscordEmbed = {};
  if (title) embed.title = title;
  if (url) embed.url = url;
  if (description) embed.description = description;
  if (item.publishedAt) embed.timestamp = item.publishedAt;
  if (cfg.color !== undefined) embed.color = cfg.color;
  if (footer) embed.footer = { text: footer };
  // The core hands over only verified http(s) images; anything else is left out, never sent to be refused.
  const image = httpUrl(style.image?.url);
  if (image) embed.image = { url: image };

  const payload: DiscordPayload = { embeds: [embed], allowed_mentions: { parse: [] } };
  if (content) payload.content = content;
  if (cfg.username) payload.username = cfg.username;
  if (cfg.avatarUrl) payload.avatar_url = cfg.avatarUrl;

  const preview = [unescapeMarkdown(content), unescapeMarkdown(title), url ?? "", unescapeMarkdown(description), image && `[image: ${image}]`, footer && `— ${footer}`]
    .filter(Boolean)
    .join("\n");
  return { payload, preview, length: codePoints(content) + codePoints(title) + codePoints(description) + codePoints(footer), limits };
}
