/**
 * Bytes to text before parsing: BOM, then the HTTP charset, then the XML declaration, then
 * UTF-8 when the bytes are valid UTF-8, else windows-1252 (what mislabelled feeds really are).
 * iconv-lite, because Node's TextDecoder maps windows-1252's 0x80-0x9F to control characters.
 */
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

export function decodeFeedBytes(body: Buffer, contentType: string | null): Decoded {
  for (const [bom, encoding] of BOMS) {
    if (bom.every((byte, i) => body[i] === byte)) return convert(body.subarray(bom.length), encoding, null);
  }
  const httpCharset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  if (httpCharset && iconv.encodingExists(httpCharset)) return convert(body, asWhatwg(httpCharset), null);
  const sniffed = sniffUtf16(body);
  if (sniffed) return convert(body, sniffed, null);
  const head = body.subarray(0, 512).toString("latin1");
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  // A declaration readable as ASCII rules out UTF-16/32 (XML 1.0 appendix F): it is a mislabel.
  if (declared && !/^utf-?(?:8|16|32)/i.test(declared) && iconv.encodingExists(declared)) {
    return convert(body, asWhatwg(declared), null);
  }
  if (isValidUtf8(body)) return { text: body.toString("utf8"), encoding: "utf-8", warning: null };
  return convert(body, "windows-1252", declared ? `declared ${declared} but the bytes are not valid UTF-8; read as windows-1252` : "bytes are not valid UTF-8; read as windows-1252");
}

/** Latin-1 and ASCII labels mean windows-1252, as in browsers (WHATWG Encoding): 0x93 is “, not a C1 control. */
function asWhatwg(label: string): string {
  return /^(?:iso[-_]?8859-1|latin-?1|l1|cp819|ibm819|(?:us-)?ascii)$/i.test(label) ? "windows-1252" : label;
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

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
