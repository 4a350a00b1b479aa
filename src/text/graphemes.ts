/** Grapheme-aware text helpers (Intl.Segmenter, built into Node). Pure. */
import { neutraliseBidi } from "./bidi.js";

// Made on first use: building it loads ICU's break rules (~20 ms), which a command that renders nothing never needs.
let segmenter: Intl.Segmenter | undefined;
const graphemeSegmenter = { segment: (text: string): Intl.Segments => (segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text) };

/** Splits into user-perceived characters: an emoji ZWJ sequence or a letter with combining marks is one. */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/**
 * True when every code unit is its own grapheme, so counting needs no segmenter (~0.8 µs per
 * character here): no CR (CR LF is one), and nothing at or above U+0300 (combining marks,
 * surrogate pairs, joiners, Hangul jamo) except typographic punctuation (U+2010–U+2027 and
 * U+2030–U+205E: dashes, curly quotes, "…") and currency signs (U+20A0–U+20C0), which never join.
 * Most Latin-script news posts are.
 */
function oneUnitPerGrapheme(text: string): boolean {
  // No "u" flag: surrogates must match as code units.
  return !/[\r\u0300-\u200f\u2028-\u202f\u205f-\u209f\u20c1-\uffff]/.test(text);
}

/** Number of graphemes. */
export function graphemeLength(text: string): number {
  if (oneUnitPerGrapheme(text)) return text.length;
  let n = 0;
  for (const _ of graphemeSegmenter.segment(text)) n++;
  return n;
}

const ELLIPSIS = "…";
const URL_IN_TEXT = /\bhttps?:\/\/\S+/giu;

/**
 * Shortens `text` to at most `max` graphemes including the ellipsis, cutting at a sentence end
 * or word boundary when one is near, never inside a grapheme (surrogate pair, emoji sequence) and
 * never inside a URL (a URL that would be cut is dropped whole). Pure.
 */
export function truncate(text: string, max: number): string {
  const end = offsetOfLastKept(text, max);
  if (end === null) return text;
  if (max <= 1) return max === 1 ? ELLIPSIS : "";
  let cut = text.slice(0, end);
  cut = dropPartialUrl(text.slice(0, end + 2048), cut);
  const sentenceEnd = lastSentenceEnd(cut);
  // A cut can leave an isolate or embedding open, which would reorder what follows the field.
  if (sentenceEnd > cut.length * 0.6) return neutraliseBidi(cut.slice(0, sentenceEnd).trimEnd(), "drop");
  const space = cut.search(/\s\S*$/u);
  if (space > cut.length * 0.5) cut = cut.slice(0, space);
  return neutraliseBidi(cut.replace(/[\s,;:–—-]+$/u, ""), "drop") + ELLIPSIS;
}

/**
 * Code-unit offset after the first max-1 graphemes (what is kept before the ellipsis), or null when
 * the whole text has at most `max` graphemes. Segments lazily, only as far as needed: callers
 * search over long texts.
 */
function offsetOfLastKept(text: string, max: number): number | null {
  if (oneUnitPerGrapheme(text)) return text.length <= max ? null : Math.max(0, max - 1);
  let end = 0;
  let count = 0;
  for (const { index, segment } of graphemeSegmenter.segment(text)) {
    count++;
    if (count === max) end = index; // start of grapheme number max = end of the first max-1
    if (count > max) break;
    if (count < max) end = index + segment.length;
  }
  return count <= max ? null : end;
}

function dropPartialUrl(full: string, cut: string): string {
  for (const match of full.matchAll(URL_IN_TEXT)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (start < cut.length && end > cut.length) return cut.slice(0, start).trimEnd();
  }
  return cut;
}

function lastSentenceEnd(text: string): number {
  let best = -1;
  for (const m of text.matchAll(/[.!?。！？](?=\s|$)/gu)) best = (m.index ?? 0) + 1;
  return best;
}
