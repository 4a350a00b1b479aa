/**
 * Status length as Mastodon counts it. Pure.
 *
 * app/validators/status_length_validator.rb (Mastodon 4.x): the length is
 * `[spoiler_text, countable_text(text)].join` in grapheme clusters (`mb_chars.grapheme_length`),
 * where countable_text replaces every URL by `URL_PLACEHOLDER` ('x' * 23, announced as
 * `configuration.statuses.characters_reserved_per_url`) and every mention `@user@domain` by
 * `@user`. URLs are found by twitter-text's extractor with Mastodon's own URL regex
 * (config/initializers/twitter_regex.rb), and only with a protocol (`extract_url_without_protocol:
 * false`); mentions by `Account::MENTION_RE` (app/lib/extractor.rb). Overlapping entities: the
 * earlier one wins (twitter-text `remove_overlapping_entities`).
 */
import { domainToASCII } from "node:url";
import { createRequire } from "node:module";
import { graphemeLength } from "../../src/text/graphemes.js";

/** Mastodon's placeholder width when the instance announces none. */
export const DEFAULT_URL_LENGTH = 23;

// twitter-text's regex sources are not valid in unicode mode, so \p{White_Space} is spelled out
// and astral characters are matched as surrogates (planes 1-16 allowed where UCHARS allows them).
const WS = "\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
const PATH_CHAR = `[^${WS}<>()?]`;
const BALANCED_PARENS = `\\((?:${PATH_CHAR}+|(?:${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*))\\)`;

interface UrlPatterns {
  validUrl: RegExp;
  tcoUrl: RegExp;
  endMention: RegExp;
}
let patterns: UrlPatterns | undefined;
/**
 * Built from twitter-text's regexes on the first count: the package (~12 MB with its polyfills)
 * loads only in a process that posts to Mastodon. It ships its regexes at runtime; its typings do
 * not declare them.
 */
function urlPatterns(): UrlPatterns {
  if (patterns) return patterns;
  const { regexen } = createRequire(import.meta.url)("twitter-text") as { regexen: Record<string, RegExp> };
  const source = (name: string): string => {
    const r = regexen[name];
    if (!r) throw new Error(`twitter-text has no regex ${name}`);
    return r.source;
  };
  // Mastodon redefines the ending characters *before* the balanced parens, so they embed twitter-text's.
  const PATH_ENDING = `(?:[^${WS}()?!*"'「」<>;:=,.$%\\[\\]~&|@]|(?:${source("validUrlBalancedParens")}))`;
  const PATH = `(?:(?:${PATH_CHAR}*(?:${BALANCED_PARENS}${PATH_CHAR}*)*${PATH_ENDING})|(?:${PATH_CHAR}+/))`;
  const UCHARS = "\\u00A0-\\uD7FF\\uD800-\\uDFFF\\uE000-\\uF8FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF";
  const QUERY_CHAR = `[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^${UCHARS}]`;
  const QUERY_ENDING = `[a-z0-9_&=#/\\-${UCHARS}]`;
  const PROTOCOL = "(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/";
  /** Groups as in twitter_regex.rb: 1 preceding, 2 URL, 3 protocol, 4 domain. */
  const VALID_URL = new RegExp(
    `(${source("validUrlPrecedingChars")})((${PROTOCOL})?(${source("validDomain")})(?::(?:${source("validPortNumber")}))?(?:\\/${PATH}*)?(?:\\?${QUERY_CHAR}*${QUERY_ENDING})?)`,
    "gi",
  );
  patterns = {
    validUrl: VALID_URL,
    tcoUrl: regexen.validTcoUrl ?? /^$/,
    endMention: regexen.endMentionMatch ?? /^(?:[@＠]|:\/\/)/,
  };
  return patterns;
}

const MAX_URL_LENGTH = 4096; // twitter-text is_valid_domain

// Account::MENTION_RE; [[:word:]] = letters, marks, decimal numbers, connector punctuation.
const WORD = "[\\p{L}\\p{M}\\p{Nd}\\p{Pc}]";
const MENTION = new RegExp(`(?<![=/\\p{L}\\p{M}\\p{Nd}\\p{Pc}])@((?:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@${WORD}+(?:[.-]+${WORD}+)*)?)`, "giu");

interface Entity {
  start: number;
  end: number;
  replacement: (reservedPerUrl: number) => string;
}

// A URL never contains white space, so matches stay inside one run of non-space characters and
// scanning only the runs that contain "://" finds what scanning the whole text finds — without
// twitter-text's domain regex crawling (quadratically) over long words that cannot hold a URL.
const RUN = new RegExp(`[^${WS}]+`, "g");

function urls(text: string): Entity[] {
  const found: Entity[] = [];
  const { validUrl: VALID_URL, tcoUrl: TCO_URL } = urlPatterns();
  for (const run of text.matchAll(RUN)) {
    if (!run[0].includes("://")) continue;
    const offset = run.index ?? 0;
    for (const m of run[0].matchAll(VALID_URL)) {
      const [, before = "", url = "", protocol, domain = ""] = m;
      if (!protocol) continue; // extract_url_without_protocol: false
      const start = offset + (m.index ?? 0) + before.length;
      const tco = TCO_URL.exec(url);
      const kept = tco ? tco[0] : url; // twitter-text: no extra path characters after a t.co URL
      const ascii = domainToASCII(domain);
      if (!ascii || kept.length + Math.max(0, ascii.length - domain.length) > MAX_URL_LENGTH) continue;
      found.push({ start, end: start + kept.length, replacement: (n) => "x".repeat(n) });
    }
  }
  return found;
}

function mentions(text: string): Entity[] {
  if (!/[@＠]/.test(text)) return [];
  const found: Entity[] = [];
  for (const m of text.matchAll(MENTION)) {
    const name = m[1] ?? "";
    const at = m.index ?? 0;
    if (urlPatterns().endMention.test(text.slice(at + m[0].length))) continue;
    const local = name.split("@")[0] ?? name;
    found.push({ start: at, end: at + 1 + name.length, replacement: () => `@${local}` });
  }
  return found;
}

/** countable_text: URLs as placeholders, remote mentions by their local part. */
export function countableText(text: string, reservedPerUrl = DEFAULT_URL_LENGTH): string {
  if (text.trim() === "") return "";
  const entities = [...urls(text), ...mentions(text)].sort((a, b) => a.start - b.start);
  let out = "";
  let index = 0;
  for (const e of entities) {
    if (e.start < index) continue; // overlaps the previous entity
    out += text.slice(index, e.start) + e.replacement(reservedPerUrl);
    index = e.end;
  }
  return out + text.slice(index);
}

/**
 * Length of a status as Mastodon's StatusLengthValidator counts it, spoiler text included. Both are
 * stripped first, as `Status#prepare_contents` does before validation.
 */
export function mastodonLength(text: string, spoilerText = "", reservedPerUrl = DEFAULT_URL_LENGTH): number {
  return graphemeLength(spoilerText.trim() + countableText(text.trim(), reservedPerUrl));
}
