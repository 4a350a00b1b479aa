// How this loopback counts a caption. https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
// (Markdown served 2026-09-11): "Maximum 2200 characters, 30 hashtags, and 20 @ tags." Meta does
// not say what a character is. Two Meta hints point the strict way: Threads counts "emojis as the
// number of UTF-8 bytes" (developers.facebook.com/documentation/threads/posts), and the Instagram
// media reference warns that with emoji "character length may be affected depending on the emoji
// used" (developers.facebook.com/docs/instagram-basic-display-api/reference/media). Loopback choice:
// the strictest plausible reading, written here independently of the adapter: per grapheme
// cluster, an emoji cluster costs its UTF-8 bytes, any other cluster its UTF-16 code units.

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

export function captionLength(text: string): number {
  let n = 0;
  for (const { segment } of graphemes.segment(text)) n += EMOJI.test(segment) ? Buffer.byteLength(segment, "utf8") : segment.length;
  return n;
}

// A hashtag: "#" not glued to a word, then letters, marks, digits or "_". A mention: "@" not glued
// to a word, then the characters of an Instagram username (letters, digits, "." and "_").
// Loopback choice; Instagram publishes no grammar for either.
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_])#[\p{L}\p{M}\p{N}_]+/gu;
const MENTION = /(?<![\p{L}\p{M}\p{N}_.])@[\p{L}\p{N}._]+/gu;

export const hashtagCount = (text: string): number => (text.match(HASHTAG) ?? []).length;
export const mentionCount = (text: string): number => (text.match(MENTION) ?? []).length;
