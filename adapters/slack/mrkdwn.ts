/**
 * Slack mrkdwn helpers. Pure.
 *
 * https://api.slack.com/reference/surfaces/formatting#escaping: "Slack uses &, <, and > as control
 * characters for special parsing in text objects, so they must be converted to HTML entities if
 * they're not going to be used for their parsing purpose" — and only those three: "You shouldn't
 * HTML entity-encode the entire text". Links are `<url|text>` (#linking-urls).
 */

/** Field text → mrkdwn-safe text: `&` `<` `>` become `&amp;` `&lt;` `&gt;`, nothing else changes. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The inverse of escapeMrkdwn (for previews). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * A link made safe for the URL half of `<url|text>`: `|` would end the URL early and `<`, `>`,
 * whitespace would end the link, so they are percent-encoded (the same URL to any server);
 * `&` is then escaped like all text. Pure.
 */
export function linkForMrkdwn(link: string): string {
  return link.replace(/[|<>\s"]/gu, (c) => encodeURIComponent(c));
}

/**
 * Cleans up the template's links once fields are filled. Field text never holds a raw `<` or `>`
 * (escaped), so every `<…>` here came from the template:
 * `<|title>` (no link) → `title`; `<url|>` (title shortened away) → `<url>`; `*<|>*` → nothing.
 */
export function tidyLinks(mrkdwn: string): string {
  return mrkdwn
    .replace(/([*_~]?)<\|>\1/g, "")
    .replace(/<\|([^<>]*)>/g, "$1")
    .replace(/<([^|<>]+)\|>/g, "<$1>")
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/u, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** What a reader sees, as text: `*<url|title>*` → `title (url)`, `<url>` → `url`, entities decoded. */
export function mrkdwnPreview(mrkdwn: string): string {
  const linked = mrkdwn
    .replace(/([*_~])(<[^<>]+>)\1/g, "$2") // emphasis around a template link
    .replace(/<([^|<>]+)\|([^<>]+)>/g, (_m, url: string, text: string) => `${text} (${url})`)
    .replace(/<([^|<>]+)>/g, "$1");
  return unescapeMrkdwn(linked);
}

/** The URLs of the links in a mrkdwn text, decoded (for tests and previews). */
export function mrkdwnLinks(mrkdwn: string): string[] {
  return [...mrkdwn.matchAll(/<([^|<>]+)(?:\|[^<>]*)?>/g)].map((m) => unescapeMrkdwn(m[1] ?? ""));
}
