import { RenderError, type FeedItem, type Limits, type PostStyle, type Rendered } from "../../src/core/index.js";
import { fill, fitTemplate, itemFields, TEMPLATE_PLACEHOLDERS, type TemplateFields } from "../../src/render/template.js";
import { TELEGRAM_MAX_CAPTION, TELEGRAM_MAX_LENGTH, type TelegramConfig } from "./config.js";
import { dropEmptyElements, escapeHtml, TelegramHtmlError, visibleLength, visibleText } from "./html.js";

/** A text message: plain JSON data, mapped 1:1 onto sendMessage's fields. */
export interface TelegramMessagePayload {
  kind: "message";
  /** #sendmessage chat_id: numeric id or "@channelusername". */
  chatId: number | string;
  /** Text in Telegram's HTML mode, at most `limits.maxLength` UTF-16 units once parsed. */
  text: string;
  parseMode: "HTML";
  /** #linkpreviewoptions: the preview shows `url` (the article), not whatever link the text has first. */
  linkPreview: { isDisabled: boolean; url: string | null };
  disableNotification: boolean;
  /** Set when the article had an image that this message leaves out, and why (`longCaption: text-with-preview`). */
  imageLeftOut?: string;
}

/** A photo with a caption: #sendphoto's fields; the photo's bytes come with the send (`ctx.image`). */
export interface TelegramPhotoPayload {
  kind: "photo";
  chatId: number | string;
  /** Caption in HTML mode, at most 1024 UTF-16 units once parsed (and within `limits.maxLength`). */
  caption: string;
  parseMode: "HTML";
  disableNotification: boolean;
  /** The whole post as a text message, sent instead when Telegram refuses the photo. */
  fallback: TelegramMessagePayload;
}

/** What `send` posts. `kind` says which Bot API method: sendMessage or sendPhoto. */
export type TelegramPayload = TelegramMessagePayload | TelegramPhotoPayload;

export const TELEGRAM_DEFAULT_TEMPLATE = "<b>{title}</b>\n\n{summary}\n\n{link}\n{hashtags}";

export const TELEGRAM_LENGTH_UNIT = "UTF-16 code units after HTML parsing";

/** Pure. A destination's `maxLength` can only tighten this (the core applies it). */
export function telegramLimits(_cfg?: TelegramConfig): Limits {
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

/** The template filled and fitted to `maxLength` visible UTF-16 units, empty elements dropped. */
function fitted(item: FeedItem, style: PostStyle, maxLength: number): { html: string; preview: string } {
  const html = dropEmptyElements(
    fitTemplate(style.template, itemFields(item, style), {
      escape: escapeHtml,
      // Measured as sent: after the empty elements of missing fields are dropped.
      measure: (post) => visibleLength(dropEmptyElements(post)),
      maxLength,
    }),
  );
  return { html, preview: visibleText(html) };
}

/**
 * Fills the template in Telegram's HTML mode: field values escaped, the summary then the title
 * shortened until the visible text fits; the link is never cut. With `style.image`, the post
 * becomes a photo caption (at most 1024): as it is when it fits, else shortened to fit
 * (`longCaption: short-caption`) or left a text message with its link preview (`text-with-preview`,
 * or when not even the link fits a caption). Pure.
 * @throws RenderError for a template with unsupported markup, or an item with nothing to post.
 */
export function renderTelegram(item: FeedItem, cfg: TelegramConfig, limits: Limits, style: PostStyle): Rendered<TelegramPayload> {
  checkTemplate(style.template);
  if (!style.link && !item.title && !item.summary) {
    throw new RenderError(`item of feed "${item.feedId}" has no link, title or summary: nothing to post`);
  }
  const maxLength = Math.min(limits.maxLength, TELEGRAM_MAX_LENGTH);
  const { html, preview } = fitted(item, style, maxLength);
  // #sendmessage: text is "1-4096 characters"; Telegram answers "message text is empty" otherwise.
  if (preview.trim() === "") throw new RenderError(`item of feed "${item.feedId}" renders to an empty message with this template`);
  const message: TelegramMessagePayload = {
    kind: "message",
    chatId: cfg.chatId,
    text: html,
    parseMode: "HTML",
    linkPreview: { isDisabled: !cfg.linkPreview, url: style.link },
    disableNotification: cfg.disableNotification,
  };
  const asMessage = (imageLeftOut?: string): Rendered<TelegramPayload> => ({
    payload: imageLeftOut ? { ...message, imageLeftOut } : message,
    preview,
    length: preview.length,
    limits,
  });
  if (!style.image) return asMessage();

  let caption = { html, preview };
  if (preview.length > TELEGRAM_MAX_CAPTION) {
    if (cfg.longCaption === "text-with-preview") {
      return asMessage(`the post (${preview.length} characters) is longer than a photo caption (${TELEGRAM_MAX_CAPTION}); longCaption is text-with-preview`);
    }
    try {
      caption = fitted(item, style, Math.min(maxLength, TELEGRAM_MAX_CAPTION));
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      return asMessage(`not even the link fits a photo caption (${TELEGRAM_MAX_CAPTION} characters)`);
    }
  }
  const payload: TelegramPhotoPayload = {
    kind: "photo",
    chatId: cfg.chatId,
    caption: caption.html,
    parseMode: "HTML",
    disableNotification: cfg.disableNotification,
    fallback: message,
  };
  return { payload, preview: caption.preview, length: caption.preview.length, limits };
}
