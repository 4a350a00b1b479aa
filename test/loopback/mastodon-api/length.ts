// StatusLengthValidator, ported rule by rule for the loopback (no imports from src/ or adapters/).
//
// app/validators/status_length_validator.rb:
//   too_long?        countable_length(combined_text(status)) > max
//   countable_length str.mb_chars.grapheme_length
//   combined_text    [status.spoiler_text, countable_text(status.text)].join
//   countable_text   '' if blank; entities = remove_overlapping_entities(
//                      extract_urls_with_indices(str, extract_url_without_protocol: false) +
//                      extract_mentions_or_lists_with_indices(str));
//                    each URL -> 'x' * 23, each mention -> "@#{screen_name.split('@').first}"
// URLs: twitter-text's extractor with Mastodon's valid_url (config/initializers/twitter_regex.rb).
// Mentions: app/lib/extractor.rb with Account::MENTION_RE (app/models/account.rb).
// Text and spoiler text are stripped before validation (Status#prepare_contents).
import { domainToASCII } from "node:url";
import twitterText from "twitter-text";

const re = (twitterText as unknown as { regexen: Record<string, RegExp> }).regexen;
const src = (name: string): string => re[name]?.source ?? "(?!)";

const SPACE = "\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000"; // \p{White_Space}
// REGEXEN[:valid_general_url_path_chars] = /[^\p{White_Space}<>()?]/iou
const GENERAL = `[^${SPACE}<>()?]`;
// REGEXEN[:valid_url_path_ending_chars], assigned while :valid_url_balanced_parens was still twitter-text's
const ENDING = `(?:[^${SPACE}()?!*"'「」<>;:=,.$%\\[\\]~&|@]|(?:${src("validUrlBalancedParens")}))`;
// REGEXEN[:valid_url_balanced_parens], one nested level
const PARENS = `\\((?:${GENERAL}+|(?:${GENERAL}*\\(${GENERAL}+\\)${GENERAL}*))\\)`;
const URL_PATH = `(?:(?:${GENERAL}*(?:${PARENS}${GENERAL}*)*${ENDING})|(?:${GENERAL}+\\/))`;
// UCHARS; astral ranges as surrogate code units (this regex cannot use the u flag)
const UCHARS = "\\u00A0-\\uD7FF\\uD800-\\uDFFF\\uE000-\\uF8FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF";
const QUERY = `(?:\\?[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^${UCHARS}]*[a-z0-9_&=#/\\-${UCHARS}])`;
// $1 total, $2 preceding, $3 URL, $4 protocol, $5 domain, $6 port, $7 path, $8 query
const VALID_URL = new RegExp(
  `((${src("validUrlPrecedingChars")})(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/)?(${src("validDomain")})(?::(${src("validPortNumber")}))?(\\/${URL_PATH}*)?(${QUERY})?))`,
  "gi",
);

interface Entity {
  indices: [number, number];
  url?: string;
  screenName?: string;
}

function extractUrlsWithIndices(text: string): Entity[] {
  if (!text.includes(":")) return [];
  const urls: Entity[] = [];
  for (const m of text.matchAll(VALID_URL)) {
    const before = m[2] ?? "";
    let url = m[3] ?? "";
    const protocol = m[4];
    const domain = m[5] ?? "";
    if (!protocol) continue;
    const start = (m.index ?? 0) + before.length;
    const tco = re.validTcoUrl?.exec(url);
    if (tco) url = tco[0];
    const ascii = domainToASCII(domain); // is_valid_domain: IDNA, and at most 4096 characters
    if (!ascii || url.length + Math.max(0, ascii.length - domain.length) > 4096) continue;
    urls.push({ url, indices: [start, start + url.length] });
  }
  return urls;
}

const WORD = "[\\p{L}\\p{M}\\p{Nd}\\p{Pc}]"; // [[:word:]]
const MENTION_RE = new RegExp(`(?<![=/\\p{L}\\p{M}\\p{Nd}\\p{Pc}])@(([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@${WORD}+(?:[.-]+${WORD}+)*)?)`, "giu");

function extractMentionsOrListsWithIndices(text: string): Entity[] {
  if (!/[@＠]/.test(text)) return [];
  const found: Entity[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    const screenName = m[1] ?? "";
    const after = text.slice((m.index ?? 0) + m[0].length);
    if (re.endMentionMatch?.test(after)) continue;
    const start = m.index ?? 0; // char_begin(1) - 1: the @
    found.push({ screenName, indices: [start, start + 1 + screenName.length] });
  }
  return found;
}

function removeOverlappingEntities(entities: Entity[]): Entity[] {
  const sorted = [...entities].sort((a, b) => a.indices[0] - b.indices[0]);
  const kept: Entity[] = [];
  for (const e of sorted) {
    const prev = kept.at(-1);
    if (prev && prev.indices[1] > e.indices[0]) continue;
    kept.push(e);
  }
  return kept;
}

export function countableText(str: string, urlPlaceholderChars = 23): string {
  if (str.trim() === "") return "";
  const entities = removeOverlappingEntities([...extractUrlsWithIndices(str), ...extractMentionsOrListsWithIndices(str)]);
  let result = "";
  let last = 0;
  for (const e of entities) {
    result += str.slice(last, e.indices[0]);
    result += e.url !== undefined ? "x".repeat(urlPlaceholderChars) : `@${(e.screenName ?? "").split("@")[0]}`;
    last = e.indices[1];
  }
  return result + str.slice(last);
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** countable_length(combined_text(status)). */
export function statusLength(text: string, spoilerText: string, urlPlaceholderChars = 23): number {
  return [...graphemes.segment(spoilerText.trim() + countableText(text.trim(), urlPlaceholderChars))].length;
}
