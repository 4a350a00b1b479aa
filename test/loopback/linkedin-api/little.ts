// A parser of LinkedIn's "little" text format, as the loopback stores a post's commentary.
// Written from the reference, not from the adapter:
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
// (views li-lms-2024-11 and li-lms-2026-05, read 2026-12; the grammar as quoted from li-lms-2025-01):
//   Text            ::= ( NON_RESERVED_CHAR_SEQUENCES | "\|" | "\{" | "\}" | "\@" | "\[" | "\]" | "\(" | "\)"
//                         | "\<" | "\>" | "\#" | "\\" | "\*" | "\_" | "\~" )+
//   MentionElement  ::= '@' FallbackText? '(' Urn ')'        e.g. @[Devtestco](urn:li:organization:2414183)
//   HashtagElement  ::= '#' SINGLE_WORD                       e.g. #hashtag
//   HashtagTemplate ::= '{hashtag|' ( # | ＃ ) '|' Text '}'   e.g. {hashtag|#|mytag}
// What LinkedIn does with an unescaped reserved character is not on that page; observed: it answers
// 201 and keeps the text before it ("This is a test. (This is also a test.)" → "This is a test. ",
// https://github.com/n8n-io/n8n/issues/10179, 2024-07-24; also activepieces#3058, composio#3185).
// Loopback choices, marked: SINGLE_WORD is letters, marks and digits (the page does not define it;
// `_` is reserved so it cannot be in an unescaped word); the template's sign may also be written
// `\#`, the form LinkedIn returns when a post is read back (observed in public clients).

export const RESERVED = new Set(["|", "{", "}", "@", "[", "]", "(", ")", "<", ">", "#", "\\", "*", "_", "~"]);

export interface Little {
  /** What a reader sees: escapes removed, hashtags as #tag, mentions as their fallback text, cut at `cutAt`. */
  text: string;
  /** Offset (UTF-16) in the commentary of the first unescaped reserved character that is no element: where LinkedIn cut the post. Null when whole. */
  cutAt: number | null;
  hashtags: string[];
  mentions: string[];
}

/** The Text production from `i` up to an unescaped `stop`: undefined when another unescaped reserved character, or the end, comes first. */
function text(s: string, i: number, stop: string): { value: string; end: number } | undefined {
  let value = "";
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === stop) return { value, end: i };
    if (c === "\\") {
      const next = s.charAt(i + 1);
      if (!RESERVED.has(next)) return undefined;
      value += next;
      i += 2;
    } else if (RESERVED.has(c)) {
      return undefined;
    } else {
      value += c;
      i += 1;
    }
  }
  return undefined;
}

const TEMPLATE_HEAD = /^\{hashtag\|(?:#|＃|\\#)\|/;
const MENTION_URN = /^urn:li:(?:person|organization):[^)\s]+/;
const WORD = /^[\p{L}\p{M}\p{N}]+/u;

/** Parses a commentary the way LinkedIn stores it. Pure. */
export function parseLittle(s: string): Little {
  const out: Little = { text: "", cutAt: null, hashtags: [], mentions: [] };
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === "\\") {
      const next = s.charAt(i + 1);
      if (!RESERVED.has(next)) return { ...out, cutAt: i };
      out.text += next;
      i += 2;
      continue;
    }
    if (!RESERVED.has(c)) {
      out.text += c;
      i += 1;
      continue;
    }
    const rest = s.slice(i);
    const head = TEMPLATE_HEAD.exec(rest)?.[0];
    if (c === "{" && head) {
      const tag = text(s, i + head.length, "}");
      if (tag && tag.value !== "") {
        out.text += `#${tag.value}`;
        out.hashtags.push(tag.value);
        i = tag.end + 1;
        continue;
      }
    }
    if (c === "@" && s.charAt(i + 1) === "[") {
      const fallback = text(s, i + 2, "]");
      const urn = fallback && s.charAt(fallback.end + 1) === "(" ? MENTION_URN.exec(s.slice(fallback.end + 2))?.[0] : undefined;
      if (fallback && urn && s.charAt(fallback.end + 2 + urn.length) === ")") {
        out.text += fallback.value;
        out.mentions.push(urn);
        i = fallback.end + 3 + urn.length;
        continue;
      }
    }
    const word = c === "#" ? WORD.exec(s.slice(i + 1))?.[0] : undefined;
    if (word) {
      out.text += `#${word}`;
      out.hashtags.push(word);
      i += 1 + word.length;
      continue;
    }
    return { ...out, cutAt: i };
  }
  return out;
}
