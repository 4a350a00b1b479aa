/**
 * Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style): escaping, the tag
 * whitelist, and the post as Telegram sees it after entity parsing. Pure.
 */

/** "The following tags are currently supported" (#html-style). "Only the tags mentioned above are currently supported." */
export const TELEGRAM_TAGS: readonly string[] = [
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
  "a", "tg-emoji", "tg-time", "code", "pre", "blockquote",
];
const TAGS = new Set(TELEGRAM_TAGS);

/** Markup Telegram refuses ("can't parse entities"); `reason` says what and where. */
export class TelegramHtmlError extends Error {
  override name = "TelegramHtmlError";
}

/**
 * Plain text to HTML-mode text. "All <, > and & symbols that are not a part of a tag or an HTML
 * entity must be replaced" (#html-style); `"` too, so that a value is also safe inside an
 * attribute (`<a href="{link}">`). `&quot;` is one of the four supported named entities.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

// "All numerical HTML entities are supported. The API currently supports only the following named
// HTML entities: &lt;, &gt;, &amp; and &quot;." (#html-style)
const ENTITY = /^&(?:(lt|gt|amp|quot)|#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8}));/;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const TAG = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z][A-Za-z0-9-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>/;
const ATTRIBUTE = /([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

function decodeEntity(html: string, at: number): { value: string; length: number } {
  const m = ENTITY.exec(html.slice(at, at + 14));
  if (!m) throw new TelegramHtmlError(`a bare "&" at character ${at}: write &amp; (only &lt; &gt; &amp; &quot; and numeric entities are supported)`);
  if (m[1] !== undefined) return { value: NAMED[m[1]] ?? "", length: m[0].length };
  const code = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3] ?? "", 16);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    throw new TelegramHtmlError(`invalid character entity ${m[0]} at character ${at}`);
  }
  return { value: String.fromCodePoint(code), length: m[0].length };
}

function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of raw.matchAll(ATTRIBUTE)) out.set((m[1] ?? "").toLowerCase(), m[2] ?? m[3] ?? m[4] ?? "");
  return out;
}

/** Tag-specific rules of #html-style that make Telegram refuse the whole message. */
function checkAttributes(tag: string, attrs: Map<string, string>, at: number): void {
  if (tag === "span" && attrs.get("class") !== "tg-spoiler") {
    throw new TelegramHtmlError(`<span> at character ${at} must be <span class="tg-spoiler"> (the only span Telegram supports)`);
  }
  if (tag === "tg-emoji" && !/^\d+$/.test(attrs.get("emoji-id") ?? "")) {
    throw new TelegramHtmlError(`<tg-emoji> at character ${at} needs a numeric emoji-id`);
  }
  if (tag === "tg-time" && !/^\d+$/.test(attrs.get("unix") ?? "")) {
    throw new TelegramHtmlError(`<tg-time> at character ${at} needs a numeric unix attribute`);
  }
}

/**
 * The text a follower reads: tags removed, entities decoded.
 * @throws TelegramHtmlError for a tag outside the whitelist, unbalanced tags, a bare `&`, `<` or `>`.
 */
export function visibleText(html: string): string {
  let text = "";
  const open: string[] = [];
  for (let i = 0; i < html.length; ) {
    const c = html[i];
    if (c === "&") {
      const entity = decodeEntity(html, i);
      text += entity.value;
      i += entity.length;
    } else if (c === "<") {
      const m = TAG.exec(html.slice(i));
      if (!m) throw new TelegramHtmlError(`a bare "<" at character ${i}: write &lt;`);
      const closing = m[1] === "/";
      const tag = (m[2] ?? "").toLowerCase();
      if (!TAGS.has(tag)) {
        throw new TelegramHtmlError(`unsupported tag <${closing ? "/" : ""}${tag}> at character ${i}; Telegram allows only ${TELEGRAM_TAGS.map((t) => `<${t}>`).join(" ")}`);
      }
      if (closing) {
        const expected = open.pop();
        if (expected !== tag) {
          throw new TelegramHtmlError(`</${tag}> at character ${i} ${expected ? `does not close <${expected}>` : "closes nothing"}`);
        }
      } else {
        checkAttributes(tag, attributes(m[3] ?? ""), i);
        open.push(tag);
      }
      i += m[0].length;
    } else if (c === ">") {
      throw new TelegramHtmlError(`a bare ">" at character ${i}: write &gt;`);
    } else {
      text += c;
      i++;
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw new TelegramHtmlError(`<${unclosed}> is never closed`);
  return text;
}

/**
 * Length as Telegram counts it: UTF-16 code units of the text after entity parsing
 * (#sendmessage "1-4096 characters after entities parsing"; #messageentity counts offsets in UTF-16).
 * An emoji outside the BMP counts 2; a ZWJ family counts every code unit of every member.
 * @throws TelegramHtmlError like `visibleText`.
 */
export function visibleLength(html: string): number {
  return visibleText(html).length;
}

const EMPTY_ELEMENT = /<(b|strong|i|em|u|ins|s|strike|del|tg-spoiler|code|pre|blockquote)(?:\s[^>]*)?>\s*<\/\1>/gi;

/**
 * Removes formatting elements left empty by an empty field (`<b></b>` for an item without a
 * title), then tidies the blank lines around them. Never lengthens the visible text.
 */
export function dropEmptyElements(html: string): string {
  let previous: string;
  let current = html;
  do {
    previous = current;
    current = current.replace(EMPTY_ELEMENT, "");
  } while (current !== previous);
  return current.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}
