/**
 * Bytes to text before parsing: BOM, then the HTTP charset, then the XML declaration, then
 * UTF-8 when the bytes are valid UTF-8; else, with nothing declared, a non-Latin charset that
 * chardet recognises with confidence (KOI8-R, Shift_JIS, ...), else windows-1252 (what
 * mislabelled feeds really are). iconv-lite, because Node's TextDecoder maps windows-1252's
 * 0x80-0x9F to control characters.
 */
import { isUtf8 } from "node:buffer";
import chardet from "chardet";
import iconv from "iconv-lite";

export interface Decoded {
  text: string;
  encoding: string;
  /** Set when the bytes did not match what they claimed and a fallback was used. */
  warning: string | null;
}

const BOMS: Array<[number[], string]> = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe, 0x00, 0x00], "utf-32le"],
  [[0x00, 0x00, 0xfe, 0xff], "utf-32be"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

/** Decodes feed bytes. Pure; never throws (unknown labels are ignored, bad bytes replaced). */
export function decodeFeedBytes(body: Buffer, contentType: string | null): Decoded {
  for (const [bom, encoding] of BOMS) {
    if (bom.every((byte, i) => body[i] === byte)) {
      const rest = body.subarray(bom.length);
      if (encoding === "utf-8") return utf8OrFallback(rest, "the byte order mark says UTF-8");
      return convert(rest, encoding, null);
    }
  }
  const httpCharset = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  if (httpCharset && iconv.encodingExists(httpCharset)) return byLabel(body, httpCharset, `the HTTP header says charset=${httpCharset}`);
  const sniffed = sniffUtf16(body);
  if (sniffed) return convert(body, sniffed, null);
  const head = body.subarray(0, 512).toString("latin1");
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  // A declaration readable as ASCII rules out UTF-16/32 (XML 1.0 appendix F): it is a mislabel.
  if (declared && !/^utf-?(?:16|32)/i.test(declared) && iconv.encodingExists(declared)) {
    return byLabel(body, declared, `declared ${declared}`);
  }
  if (!declared && !isUtf8(body)) {
    const detected = detectNonLatin(body);
    if (detected) return convert(body, detected.encoding, `no encoding is declared and the bytes are not UTF-8; read as ${detected.name} (detected, ${detected.confidence} % confidence)`);
  }
  const decoded = utf8OrFallback(body, declared ? `declared ${declared}` : null);
  if (declared && !decoded.warning && !iconv.encodingExists(declared)) {
    decoded.warning = `declared an unknown encoding "${declared}"; read as ${decoded.encoding === "utf-8" ? "UTF-8" : decoded.encoding}`;
  }
  return decoded;
}

/**
 * Whether `decodeFeedBytes` reads these bytes as UTF-8 as they are (after a UTF-8 byte order mark
 * of `bomLength` bytes), with no warning; null when it would not. The identity scan then reads the
 * bytes as Latin-1, one character per byte, and decodes only the few fields it keeps. Pure.
 */
export function plainUtf8(body: Buffer, contentType: string | null): { bomLength: number } | null {
  const bom = BOMS.find(([marks]) => marks.every((byte, i) => body[i] === byte));
  if (bom) return bom[1] === "utf-8" && isUtf8(body.subarray(3)) ? { bomLength: 3 } : null;
  const httpCharset = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  if (httpCharset && iconv.encodingExists(httpCharset)) return /^utf-?8$/i.test(httpCharset) && isUtf8(body) ? { bomLength: 0 } : null;
  if (sniffUtf16(body)) return null;
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(body.subarray(0, 512).toString("latin1"))?.[1];
  // Any other declaration (a known charset, an unknown label, UTF-16 on ASCII bytes): not this case.
  if (declared && !/^utf-?8$/i.test(declared)) return null;
  return isUtf8(body) ? { bomLength: 0 } : null;
}

/**
 * Latin single-byte charsets are left to the windows-1252 fallback: a detector tells them apart
 * poorly, and a wrong guess among them turns every accented letter into another. Scripts with
 * their own bytes (Cyrillic, Greek, Hebrew, Arabic, CJK) it tells apart well.
 */
const LATIN = /^(?:iso-8859-(?:1|2|3|4|9|10|13|14|15|16)|windows-125[02478]|us-ascii|ascii|utf-.*)$/i;
/**
 * A guess is used when chardet (confidence 0-100) puts a non-Latin charset first, at 25 or more,
 * and well ahead of its best Latin reading: a short Russian item in KOI8-R scores ~30 against
 * ~20 for ISO-8859-1; Spanish, French, German or Portuguese text never puts a non-Latin charset first.
 */
const MIN_CONFIDENCE = 25;
const MIN_LEAD = 1.3;
/** Enough text to recognise a charset by, without reading a whole large feed. */
const DETECT_BYTES = 64 * 1024;

function detectNonLatin(body: Buffer): { encoding: string; name: string; confidence: number } | null {
  const guesses = chardet.analyse(body.subarray(0, DETECT_BYTES));
  const best = guesses[0];
  if (!best || best.confidence < MIN_CONFIDENCE || LATIN.test(best.name) || !iconv.encodingExists(best.name)) return null;
  const bestLatin = guesses.find((g) => LATIN.test(g.name))?.confidence ?? 0;
  if (best.confidence < MIN_LEAD * bestLatin) return null;
  return { encoding: best.name.toLowerCase(), name: best.name, confidence: best.confidence };
}

/** A charset named by the HTTP header or the XML declaration. */
function byLabel(body: Buffer, label: string, claim: string): Decoded {
  if (/^utf-?8$/i.test(label)) return utf8OrFallback(body, claim);
  const encoding = asWhatwg(label);
  // Servers label UTF-8 feeds ISO-8859-1 or ASCII by default; multi-byte UTF-8 sequences never
  // occur by chance in Latin-1 text, so valid UTF-8 with any of them is UTF-8.
  if (encoding === "windows-1252" && isUtf8(body) && hasNonAscii(body)) {
    return { text: body.toString("utf8"), encoding: "utf-8", warning: `${claim} but the bytes are valid UTF-8; read as UTF-8` };
  }
  const decoded = convert(body, encoding, null);
  if (decoded.text.includes("\ufffd")) decoded.warning = `${claim} but some bytes are not valid ${label}; they were replaced`;
  return decoded;
}

function utf8OrFallback(body: Buffer, claim: string | null): Decoded {
  if (isUtf8(body)) return { text: body.toString("utf8"), encoding: "utf-8", warning: null };
  const { text, multiByte } = decodeUtf8Leniently(body);
  const said = claim ? `${claim} but the bytes are not valid UTF-8` : "bytes are not valid UTF-8";
  return multiByte
    ? { text, encoding: "utf-8+windows-1252", warning: `${said}; read the invalid bytes as windows-1252` }
    : { text, encoding: "windows-1252", warning: `${said}; read as windows-1252` };
}

/** Latin-1 and ASCII labels mean windows-1252, as in browsers (WHATWG Encoding): 0x93 is “, not a C1 control. */
function asWhatwg(label: string): string {
  return /^(?:iso[-_]?8859-1|latin-?1|l1|cp819|ibm819|(?:us-)?ascii|cp1252|windows-1252)$/i.test(label) ? "windows-1252" : label.toLowerCase();
}

function convert(bytes: Buffer, encoding: string, warning: string | null): Decoded {
  return { text: iconv.decode(bytes, encoding, { stripBOM: true }), encoding: encoding.toLowerCase(), warning };
}

/** UTF-16/32 without a BOM: "<?" with NULs beside it. */
function sniffUtf16(b: Buffer): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return "utf-32le";
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return "utf-32be";
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) return "utf-16le";
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) return "utf-16be";
  return null;
}

function hasNonAscii(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

let cp1252: string[] | null = null;

/**
 * UTF-8 where the bytes are valid UTF-8 sequences, windows-1252 for every byte that is not:
 * feeds that paste Latin-1 text into UTF-8 keep both halves readable. With no valid multi-byte
 * sequence at all this is exactly windows-1252.
 */
function decodeUtf8Leniently(bytes: Buffer): { text: string; multiByte: boolean } {
  cp1252 ??= Array.from({ length: 128 }, (_, i) => iconv.decode(Buffer.from([0x80 + i]), "windows-1252"));
  const out: string[] = [];
  let multiByte = false;
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      if (length > 1) multiByte = true;
      i += length;
      continue;
    }
    if (runStart < i) out.push(bytes.toString("utf8", runStart, i));
    out.push(cp1252[(bytes[i] ?? 0x80) - 0x80] ?? "\ufffd");
    i += 1;
    runStart = i;
  }
  if (runStart < bytes.length) out.push(bytes.toString("utf8", runStart));
  return { text: out.join(""), multiByte };
}

/** Length of the valid UTF-8 sequence at `i`, or 0 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function utf8SequenceLength(b: Buffer, i: number): number {
  const lead = b[i] ?? 0;
  if (lead < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const byte = b[i + k];
    return byte !== undefined && byte >= lo && byte <= hi;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [lo, hi] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [lo, hi] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
