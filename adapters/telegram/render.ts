import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fill, fitTemplate, itemFields, TEMPLATE_PLACEHOLDERS, type TemplateFields } from "../../src/render/template.js";
import { TELEGRAM_MAX_LENGTH, type TelegramConfig } from "./config.js";
import { dropEmptyElements, escapeHtml, TelegramHtmlError, visibleLength, visibleText } from "./html.js";

/** What `send` posts: plain JSON data, mapped 1:1 onto sendMessage's fields. */
export interface TelegramPayload {
  /** #sendmessage chat_id: numeric id or "@channelusername". */
  chatId: number | string;
  /** Text in Telegram's HTML mode, at most `limits.maxLength` UTF-16 units once parsed. */
  text: string;
  parseMode: "HTML";
  /** #linkpreviewoptions: the preview shows `url` (the article), not whatever link the text has first. */
  linkPreview: { isDisabled: boolean; url: string | null };
  disableNotification: boolean;
}

export const TELEGRAM_DEFAULT_TEMPLATE = "<b>{title}</b>\n\n{summary}\n\n{link}\n{hashtags}";

export const TELEGRAM_LENGTH_UNIT = "UTF-16 code units after HTML parsing";

/** Pure. A destination's `maxLength` can only tighten this (the core applies it). */
export function telegramLimits(_cfg: TelegramConfig): Limits {
  return { maxLength: TELEGRAM_MAX_LENGTH, unit: TELEGRAM_LENGTH_UNIT, source: "default" };
}

/**
 * The template's own markup is the operator's: check it against Telegram's whitelist once, with
 * harmless field values, so that the error names the template and not an article.
 * @throws RenderError naming the unsupported tag or bad markup.
 */
export function checkTemplate(template: string): void {
  const sample = Object.fromEntries(TEMPLATE_PLACEHOLDERS.map((name) => [name, name])) as TemplateFields;
  try {
    visibleText(fill(template, sample, escapeHtml));
  } catch (err) {
    if (err instanceof TelegramHtmlError) throw new RenderError(`telegram template: ${err.message}`);
    throw err;
  }
}

/**
 * Fills the template in Telegram's HTML mode: field values escaped, the summary then the title
 * shortened until the visible text fits; the link is never cut. Pure.
 * @throws RenderError for a template with unsupported markup, or an item with nothing to post.
 */
export function renderTelegram(item: FeedItem, cfg: TelegramConfig, limits: Limits, style: PostStyle): Rendered<TelegramPayload> {
  checkTemplate(style.template);
  if (!style.link && !item.title && !item.summary) {
    throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  }
  const html = dropEmptyElements(
    fitTemplate(style.template, itemFields(item, style), {
      escape: escapeHtml,
      // Measured as sent: after the empty elements of missing fields are dropped.
      measure: (post) => visibleLength(dropEmptyElements(post)),
      maxLength: Math.min(limits.maxLength, TELEGRAM_MAX_LENGTH),
    }),
  );
  const preview = visibleText(html);
  // #sendmessage: text is "1-4096 characters"; Telegram answers "message text is empty" otherwise.
  if (preview.trim() === "") throw new RenderError(`item of feed "${item.feedId}" renders to an empty message with this template`);
  const payload: TelegramPayload = {
    chatId: cfg.chatId,
    text: html,
    parseMode: "HTML",
    linkPreview: { isDisabled: !cfg.linkPreview, url: style.link },
    disableNotification: cfg.disableNotification,
  };
  return { payload, preview, length: preview.length, limits };
}
