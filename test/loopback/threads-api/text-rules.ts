// Threads' text rules as its reference words them, written apart from the adapter (which must agree).
// https://developers.facebook.com/documentation/threads/posts (updated Apr 14, 2026):
//   "Text posts are limited to 500 characters." / "Emojis are counted as the number of UTF-8 bytes."
//   (the words "number of UTF-8 bytes" link to the grapheme-splitter package);
//   "The number of links is restricted to 5 or less." / "All unique URLs found in the text field are
//   counted as links." / "If the link_attachment field contains a URL that is different from all URLs
//   in the text field, it is counted as an additional link." / "If the link_attachment URL is the same
//   as any URL in the text field, it is only counted once".
// Read literally: characters are grapheme clusters; an emoji cluster costs its UTF-8 bytes. What an
// emoji is, Meta does not say: here, what Unicode calls one (UTS #51): a cluster with an
// Extended_Pictographic or Emoji_Presentation code point, or a keycap (U+20E3). Unconfirmed; README.

export const MAX_CHARACTERS = 500;
export const MAX_LINKS = 5;

const clusters = new Intl.Segmenter("en", { granularity: "grapheme" });
const utf8 = new TextEncoder();

export function isEmoji(cluster: string): boolean {
  return /\p{Extended_Pictographic}/u.test(cluster) || /\p{Emoji_Presentation}/u.test(cluster) || cluster.includes("\u{20E3}");
}

/** Characters as Threads counts them toward 500. */
export function threadsCharacters(text: string): number {
  let total = 0;
  for (const { segment } of clusters.segment(text)) total += isEmoji(segment) ? utf8.encode(segment).byteLength : 1;
  return total;
}

/**
 * The unique links of a post. A URL in the text starts with a scheme or with "www." (Meta's examples
 * are "www.instagram.com", "www.threads.com") and runs to the next white space; bare domains are not
 * counted (loopback choice: Meta does not say).
 */
export function uniqueLinks(text: string, linkAttachment: string | undefined): Set<string> {
  const links = new Set<string>();
  for (const word of text.split(/\s+/u)) {
    const at = word.search(/https?:\/\/|www\./iu);
    if (at >= 0) links.add(word.slice(at));
  }
  if (linkAttachment) links.add(linkAttachment);
  return links;
}
