/** HTML and entity handling for feed text. Pure. */
import { compile } from "html-to-text";
import { decodeHTML } from "entities";
import { neutraliseBidi } from "./bidi.js";

const HTML_TO_TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
    { selector: "figure", format: "skip" },
    { selector: "script", format: "skip" },
    { selector: "style", format: "skip" },
    { selector: "iframe", format: "skip" },
    { selector: "h1", options: { uppercase: false } },
    { selector: "h2", options: { uppercase: false } },
    { selector: "h3", options: { uppercase: false } },
    { selector: "h4", options: { uppercase: false } },
    { selector: "h5", options: { uppercase: false } },
    { selector: "h6", options: { uppercase: false } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
  ],
};

/** Built once: html-to-text's convert() rebuilds its converter on every call (~1.5 ms each). */
const toText = compile(HTML_TO_TEXT_OPTIONS);

/** Boilerplate that feed generators append to summaries; removed because a post has its own link. */
const BOILERPLATE: RegExp[] = [
  /The post .{1,300}? appeared first on .{1,200}?\.?\s*$/su, // WordPress/Yoast footer
  // "Continue reading →", "Read more »": a capitalised link text at the very end, not "we read more books".
  /(?<![\p{L}\p{N}])\s*(?:Continue [Rr]eading|Read [Mm]ore|Read the full (?:article|story))\b.{0,200}$/su,
  /\s*\[(?:…|\.\.\.|&hellip;)\]\s*/gu, // WordPress excerpt "[…]"
];

/** Folds runs of whitespace (including NBSP) to single spaces and trims. */
export function foldWhitespace(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/gu, " ").trim();
}

/**
 * A field's text as it goes out: whitespace folded, then bidirectional formatting balanced and
 * overrides dropped (last, so that nothing removed afterwards can reopen what was closed, and
 * closers follow the last word), folded again when a dropped override leaves two spaces.
 */
function finish(text: string): string {
  const folded = foldWhitespace(text);
  const balanced = neutraliseBidi(folded);
  return balanced === folded ? folded : foldWhitespace(balanced);
}

/** Removes C0/C1 control characters (except tab/newline) that break posts. */
function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/gu, "");
}

/** HTML fragment to plain, single-paragraph text with boilerplate removed. */
export function htmlToPlainText(html: string): string {
  if (!html) return "";
  let text = toText(html);
  // Feeds sometimes escape their HTML twice; a second pass decodes what is left.
  if (/&(?:[a-z]+|#\d+|#x[0-9a-f]+);/iu.test(text)) text = decodeHTML(text);
  text = stripControls(text);
  for (const pattern of BOILERPLATE) text = text.replace(pattern, " ");
  // A URL in the summary would take over the post's link card or preview, which must belong to
  // the article: bare URLs are left out of summaries (the article's own link is in the post).
  text = text.replace(/(?:\(\s*)?\bhttps?:\/\/[^\s<>()]+(?:\s*\))?/giu, " ");
  return finish(text);
}

const INLINE_TAG = /<\/?(?:a|abbr|b|big|br|cite|code|del|em|font|i|ins|mark|q|s|small|span|strike|strong|sub|sup|u)(?:\s[^<>]*)?\/?>/iu;

/** A title as plain text: entities decoded (also double-escaped ones), stray tags removed, whitespace folded. */
export function plainTitle(raw: string | null | undefined): string {
  if (!raw) return "";
  let text = raw;
  for (let i = 0; i < 2 && /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/iu.test(text); i++) text = decodeHTML(text);
  // Only real inline HTML is markup: "<update>" or "x < y" in a title is text.
  if (INLINE_TAG.test(text)) text = text.replace(new RegExp(INLINE_TAG.source, "giu"), "");
  return finish(stripControls(text));
}
