/** Discord text helpers: counting as Discord counts, and markdown escaping. Pure. */

/**
 * Length as Discord counts it: Unicode code points. "Our API uses Python 3, so the API calculates
 * length based on the number of codepoints in the string" (Discord staff,
 * https://github.com/discord/discord-api-docs/issues/1315). A flag emoji is 2, 👩‍👩‍👧‍👦 is 7.
 */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>]+/giu;
/**
 * Markdown in message content and embed titles/descriptions
 * (https://support.discord.com/hc/en-us/articles/210298617, "Markdown Text 101"): emphasis
 * `* _ ~`, code `` ` ``, spoilers `|`, masked links `[ ]`, and `<`, which opens mention, channel,
 * emoji and timestamp tags (`<@id>`, `<#id>`, `<t:…>`). A backslash before punctuation shows the
 * character and hides the backslash.
 */
const INLINE = /[\\*_~`|[\]<]/g;
/** Quotes `>`, headers `#`, lists `-`/`+`/`1.` mean something only at the start of a line. */
const LINE_START = /(^|\n)([ \t]*)(?:([#>+-])|(\d+)\.)/g;

/**
 * Escapes Discord markdown in feed text so that it shows as typed; URLs are left whole (an escape
 * inside one would break the link Discord makes of it).
 */
export function escapeMarkdown(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const start = m.index ?? 0;
    out += text.slice(last, start).replace(INLINE, "\\$&") + m[0];
    last = start + m[0].length;
  }
  out += text.slice(last).replace(INLINE, "\\$&");
  return out.replace(LINE_START, (_m, nl: string, space: string, mark: string | undefined, digits: string | undefined) =>
    mark ? `${nl}${space}\\${mark}` : `${nl}${space}${digits ?? ""}\\.`,
  );
}

/** Undoes `escapeMarkdown`, for previews: the text as a reader sees it. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|[\]<#>+.-])/g, "$1");
}
