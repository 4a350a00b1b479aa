/**
 * Field-level text repair before the shared html/title helpers: C1 control characters that are
 * really windows-1252 (`&#146;`, UTF-8 bytes C2 92), UTF-8 read as windows-1252 twice ("â€™"),
 * and U+FFFD left by bytes that no encoding could read. Pure.
 */
import iconv from "iconv-lite";
import { htmlToPlainText, plainTitle } from "../text/html.js";

const CP1252_HIGH = iconv.decode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)), "windows-1252");
/** windows-1252 byte of each character that can stand for a UTF-8 continuation byte (0x80-0xBF). */
const CONTINUATION = new Map<string, number>();
for (let byte = 0x80; byte <= 0xbf; byte++) {
  const char = byte < 0xa0 ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  if (char && char !== "\ufffd") CONTINUATION.set(char, byte);
  CONTINUATION.set(String.fromCharCode(byte), byte); // the C1 spelling, when the text was read as Latin-1
}
const CONT_CLASS = `[${[...CONTINUATION.keys()].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}]`;
/**
 * Only the leads of the common cases (Â Ã Å for Latin-1 and Latin Extended letters, â for
 * punctuation such as ’ “ – …): "café…»" must stay as it is.
 */
const MOJIBAKE = new RegExp(`[\\u00c2\\u00c3\\u00c5]${CONT_CLASS}|\\u00e2${CONT_CLASS}{2}`, "gu");
const C1 = /[\u0080-\u009f]/g;

/** Repairs encoding damage in one field's text. */
export function repairText(text: string): string {
  let out = text;
  if (/[\u00c2\u00c3\u00c5\u00e2]/.test(out)) out = out.replace(MOJIBAKE, undoMojibake);
  if (/[\u0080-\u009f]/.test(out)) out = out.replace(C1, (c) => (CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? "\ufffd").replace("\ufffd", ""));
  return out.includes("\ufffd") ? out.replace(/\ufffd/g, "") : out;
}

function undoMojibake(sequence: string): string {
  const bytes = Buffer.from([...sequence].map((c, i) => (i === 0 ? c.charCodeAt(0) : (CONTINUATION.get(c) ?? 0))));
  const decoded = bytes.toString("utf8");
  return decoded.includes("\ufffd") || decoded.length !== 1 ? sequence : decoded;
}

/** A title as plain text: repaired, entity-decoded, tags dropped, whitespace folded. */
export function cleanTitle(raw: string | null | undefined): string {
  return raw ? plainTitle(repairText(raw)) : "";
}

/** HTML (or plain text) to a one-paragraph plain-text summary. */
export function cleanSummary(html: string | null | undefined): string {
  return html ? htmlToPlainText(repairText(html)) : "";
}
