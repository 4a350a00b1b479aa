/**
 * LinkedIn's "little" text format, the format of a post's `commentary`. Pure.
 *
 * https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
 * (views li-lms-2024-11 and li-lms-2026-05): "Characters reserved for little elements must be
 * escaped to be treated as plaintext"; "All reserved characters need to be escaped with a
 * backslash, even if those characters are not used in one of the supported elements or templates".
 * The grammar's Text production lists the escapes: `\| \{ \} \@ \[ \] \( \) \< \> \# \\ \* \_ \~`.
 * Unescaped, LinkedIn answers 201 and silently cuts the post at the first reserved character
 * (observed: https://github.com/n8n-io/n8n/issues/10179, 2024-07-24, "This is a test. (This is also
 * a test.)" published as "This is a test. "). Only `commentary` is little text: the article's title
 * and description are plain strings.
 */

/** The 15 reserved characters of the Text production. */
export const LITTLE_RESERVED = ["|", "{", "}", "@", "[", "]", "(", ")", "<", ">", "#", "\\", "*", "_", "~"] as const;

const RESERVED = /[|{}@[\]()<>#\\*_~]/g;

/** Plain text as little Text: every reserved character gets a backslash (one pass, so `\` is escaped once). */
export function escapeLittle(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/**
 * One hashtag as the documented HashtagTemplate `{hashtag|#|tag}` ("HashtagTemplate ::=
 * '{hashtag|' ( # | ＃ ) '|' Text '}'"), with the sign escaped, `{hashtag|\#|tag}`: the Text
 * rule says every reserved character is escaped, and it is the form LinkedIn itself returns for
 * hashtags when a post is read back (observed in public clients since 2023). The tag is Text, so
 * its own reserved characters (`_`) are escaped too. A plain `#tag` would be a HashtagElement,
 * whose SINGLE_WORD is not defined on the page; the template is the unambiguous form.
 */
export function hashtagTemplate(tag: string): string {
  return `{hashtag|\\#|${escapeLittle(tag)}}`;
}

const TAG = /^[#＃]([\p{L}\p{M}\p{N}_]+)$/u;

/** The `{hashtags}` field ("#LocalNews #Қазақстан"): words that are tags become templates, anything else is escaped text. */
export function hashtagsLittle(hashtags: string): string {
  return hashtags
    .split(/(\s+)/)
    .map((word) => {
      const tag = TAG.exec(word)?.[1];
      return tag ? hashtagTemplate(tag) : escapeLittle(word);
    })
    .join("");
}

/**
 * A template with its fixed text escaped and its placeholders kept, so that the operator's own
 * "(via {feed})" is posted as written.
 */
export function escapeTemplate(template: string, placeholders: readonly string[]): string {
  return template
    .split(/(\{[a-z]+\})/)
    .map((part) => (placeholders.includes(part.slice(1, -1)) && /^\{[a-z]+\}$/.test(part) ? part : escapeLittle(part)))
    .join("");
}

/** What a reader sees of commentary made by this module: templates shown as `#tag`, escapes removed. */
export function littleToPlain(little: string): string {
  return little
    .replace(/\{hashtag\|\\#\|((?:\\.|[^\\}])*)\}/g, (_m, tag: string) => `#${tag}`)
    .replace(/\\([|{}@[\]()<>#\\*_~])/g, "$1");
}
