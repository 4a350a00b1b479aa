/**
 * How Threads measures a post. Pure.
 *
 * https://developers.facebook.com/documentation/threads/posts (updated Apr 14, 2026), "Limitations":
 * "Text posts are limited to 500 characters." / "Emojis are counted as the number of UTF-8 bytes",
 * the last words linking to the grapheme-splitter package; the `text` parameter repeats it: "For the
 * post character limit, emojis are counted as the number of UTF-8 bytes."
 *
 * Meta says no more. Read here: a character is a grapheme cluster (what grapheme-splitter splits,
 * Intl.Segmenter's "grapheme"), one each; a cluster that is an emoji costs its UTF-8 bytes instead
 * (👍 4, 👍🏽 8, 🇰🇿 8, 1️⃣ 7, 👩‍👩‍👧‍👦 25). "Emoji" is Unicode's, by property: a cluster holding an
 * Extended_Pictographic or Emoji_Presentation code point, or the keycap mark U+20E3 (UTS #51). That
 * counts text-style pictographs (©, ™) as emoji too, which can only make a post shorter than allowed.
 */

// Made on first use, as in src/text/graphemes.ts: ICU's break rules cost ~15 ms, and every command loads
// the adapter registry (validate, deliveries) while only a Threads post needs them.
let segmenter: Intl.Segmenter | undefined;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\u20e3/u;
/** Code units that are each one non-emoji cluster: below U+0300, apart from CR (CR LF is one) and © ®. */
const SLOW = /[\r\u00a9\u00ae\u0300-\uffff]/;

/** True when one grapheme cluster is an emoji. */
export function isEmojiCluster(cluster: string): boolean {
  return EMOJI.test(cluster);
}

/** UTF-8 length of a string (code points: 1 to 4 bytes; a lone surrogate is replaced by U+FFFD, 3). */
function utf8Bytes(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The length of `text` as Threads counts it toward its 500 characters. */
export function threadsLength(text: string): number {
  if (!SLOW.test(text)) return text.length;
  let n = 0;
  for (const { segment } of (segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text)) n += isEmojiCluster(segment) ? utf8Bytes(segment) : 1;
  return n;
}

/** What urlsIn finds: a URL runs from `http(s)://` or `www.` to the next white space. */
export const URL_IN_TEXT = /(?:https?:\/\/|www\.)\S+/giu;

/**
 * URLs in a text, in order, as written. Meta's examples count scheme-less `www.` addresses as links
 * (posts page, "How links are counted"); bare domains are not counted here (unconfirmed).
 */
export function urlsIn(text: string): string[] {
  return text.match(URL_IN_TEXT) ?? [];
}

/**
 * "All unique URLs found in the text field are counted as links. If the link_attachment field
 * contains a URL that is different from all URLs in the text field, it is counted as an additional
 * link." (posts page, "Links"). Strings are compared as written.
 */
export function linkCount(text: string, linkAttachment: string | null): number {
  const all = new Set(urlsIn(text));
  if (linkAttachment) all.add(linkAttachment);
  return all.size;
}
