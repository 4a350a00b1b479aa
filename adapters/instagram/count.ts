/**
 * How long a caption is, and its hashtags and @ tags, as Crier counts them for Instagram. Pure.
 *
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
 * (Markdown served 2026-09-11), `caption`: "Maximum 2200 characters, 30 hashtags, and 20 @ tags."
 * (Error Codes, "Updated: Jun 2, 2026": 36004/2207010 and 100/2207040 when over.) Meta does not
 * define a character. unconfirmed, so Crier takes the strictest plausible reading, which no other
 * reading exceeds: UTF-16 code units (what Java, Objective-C and JavaScript count), except that emoji
 * cost their UTF-8 bytes, as Meta counts them for Threads ("Emojis are counted as the number of
 * UTF-8 bytes", https://developers.facebook.com/documentation/threads/posts) and as the Instagram
 * media reference warns ("character length may be affected depending on the emoji used",
 * https://developers.facebook.com/docs/instagram-basic-display-api/reference/media).
 */

/**
 * Every code point that can belong to an emoji: pictographs, flag letters, skin tones, ZWJ,
 * variation selectors, the keycap mark and tag characters. Costing each at its UTF-8 bytes costs a
 * whole emoji sequence exactly its UTF-8 bytes, without segmenting (a ZWJ elsewhere costs 3: safe).
 */
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u200d\ufe0e\ufe0f\u20e3\u{e0020}-\u{e007f}]/gu;

const utf8Bytes = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/** Caption length: UTF-16 code units, emoji at their UTF-8 bytes. */
export function instagramLength(text: string): number {
  let n = text.length;
  for (const m of text.matchAll(EMOJI_PART)) {
    const cp = m[0].codePointAt(0) ?? 0;
    n += utf8Bytes(cp) - m[0].length;
  }
  return n;
}

// Instagram publishes no grammar for either. Ours, counting generously: "#" or "@" not glued to a
// word, then letters, marks, digits or "_" (and "." for usernames). A "#" in a URL fragment after
// "/" counts too: counting more tags than Instagram does is the safe side.
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_])#[\p{L}\p{M}\p{N}_]+/gu;
const MENTION = /(?<![\p{L}\p{M}\p{N}_.])@[\p{L}\p{M}\p{N}._]+/gu;
export type Tag = "hashtag" | "mention";
const PATTERN: Record<Tag, RegExp> = { hashtag: HASHTAG, mention: MENTION };

export const tagCount = (text: string, tag: Tag): number => (text.match(PATTERN[tag]) ?? []).length;

/** `text` with the sign taken off its last `n` tags of this kind ("#Town" → "Town"): the word stays, the tag goes. */
export function untagLast(text: string, tag: Tag, n: number): string {
  const starts = [...text.matchAll(PATTERN[tag])].map((m) => m.index ?? 0);
  let out = "";
  let from = 0;
  for (const at of starts.slice(Math.max(0, starts.length - n))) {
    out += text.slice(from, at); // the sign is one UTF-16 unit at `at`
    from = at + 1;
  }
  return out + text.slice(from);
}

/** Tags that end in the ellipsis a cut leaves ("#Riversi…"): possibly cut, so possibly another tag. */
export function cutTags(text: string): string[] {
  return text.match(/(?<![\p{L}\p{M}\p{N}_.])[#@][\p{L}\p{M}\p{N}._]+…/gu) ?? [];
}
