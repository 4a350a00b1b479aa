import { describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { decodeFeedBytes } from "./decode.js";

const bytes = (...b: number[]): Buffer => Buffer.from(b);
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");
const enc = (encoding: string, s: string): Buffer => iconv.encode(s, encoding);
const withDecl = (encoding: string, body: string): string => `<?xml version="1.0" encoding="${encoding}"?><rss><title>${body}</title></rss>`;

describe("decodeFeedBytes", () => {
  it.each<[string, Buffer, string | null, string, string, boolean]>([
    // name, bytes, content-type, expected text, expected encoding, expect a warning
    ["UTF-8 BOM", Buffer.concat([bytes(0xef, 0xbb, 0xbf), utf8("<rss>é 😀</rss>")]), null, "<rss>é 😀</rss>", "utf-8", false],
    ["UTF-16LE BOM", enc("utf-16le", "\ufeff<rss>é€ Привет</rss>"), null, "<rss>é€ Привет</rss>", "utf-16le", false],
    ["UTF-16BE BOM", enc("utf-16be", "\ufeff<rss>é€ Привет</rss>"), null, "<rss>é€ Привет</rss>", "utf-16be", false],
    ["UTF-32LE BOM", Buffer.concat([bytes(0xff, 0xfe, 0, 0), enc("utf-32le", "<rss>é😀</rss>")]), null, "<rss>é😀</rss>", "utf-32le", false],
    ["BOM beats the HTTP charset", Buffer.concat([bytes(0xef, 0xbb, 0xbf), utf8("<t>é</t>")]), "text/xml; charset=koi8-r", "<t>é</t>", "utf-8", false],
    [
      "HTTP charset beats the XML declaration",
      enc("koi8-r", withDecl("windows-1252", "Привет")),
      "application/rss+xml; charset=KOI8-R",
      withDecl("windows-1252", "Привет"),
      "koi8-r",
      false,
    ],
    ["quoted HTTP charset", enc("koi8-r", "<t>Привет</t>"), 'text/xml; charset="koi8-r"', "<t>Привет</t>", "koi8-r", false],
    ["unknown HTTP charset is ignored", utf8("<t>é</t>"), "text/xml; charset=bogus", "<t>é</t>", "utf-8", false],
    [
      "HTTP ISO-8859-1 read as windows-1252 (0x93/0x94 are quotes)",
      bytes(0x3c, 0x74, 0x3e, 0x93, 0x71, 0x94, 0xe9, 0x3c, 0x2f, 0x74, 0x3e),
      "text/xml; charset=ISO-8859-1",
      "<t>“q”é</t>",
      "windows-1252",
      false,
    ],
    ["declared windows-1252", enc("windows-1252", withDecl("windows-1252", "“q” café €")), null, withDecl("windows-1252", "“q” café €"), "windows-1252", false],
    ["declared koi8-r", enc("koi8-r", withDecl("koi8-r", "Привет, мир")), null, withDecl("koi8-r", "Привет, мир"), "koi8-r", false],
    ["declared Shift_JIS", enc("shift_jis", withDecl("Shift_JIS", "日本語のニュース")), null, withDecl("Shift_JIS", "日本語のニュース"), "shift_jis", false],
    ["declared with single quotes", enc("koi8-r", `<?xml version='1.0' encoding='koi8-r'?><t>Да</t>`), null, `<?xml version='1.0' encoding='koi8-r'?><t>Да</t>`, "koi8-r", false],
    ["UTF-16LE without BOM, sniffed", enc("utf-16le", withDecl("UTF-16", "é")), null, withDecl("UTF-16", "é"), "utf-16le", false],
    ["UTF-16BE without BOM, sniffed", enc("utf-16be", withDecl("UTF-16", "é")), null, withDecl("UTF-16", "é"), "utf-16be", false],
    ["declared UTF-16 but ASCII-compatible bytes: read as UTF-8", utf8(withDecl("UTF-16", "é")), null, withDecl("UTF-16", "é"), "utf-8", false],
    ["valid UTF-8, undeclared", utf8("<t>é “x” 漢字</t>"), null, "<t>é “x” 漢字</t>", "utf-8", false],
    ["valid UTF-8, declared", utf8(withDecl("utf-8", "Привет")), "text/xml", withDecl("utf-8", "Привет"), "utf-8", false],
    ["undeclared invalid UTF-8 -> windows-1252", bytes(0x3c, 0x74, 0x3e, 0x93, 0x71, 0x94, 0x3c, 0x2f, 0x74, 0x3e), null, "<t>“q”</t>", "windows-1252", true],
    [
      "declared UTF-8 but invalid -> windows-1252",
      Buffer.concat([utf8(`<?xml version="1.0" encoding="utf-8"?><t>`), bytes(0x93, 0x71, 0x94)]),
      null,
      `<?xml version="1.0" encoding="utf-8"?><t>“q”`,
      "windows-1252",
      true,
    ],
    ["empty body", Buffer.alloc(0), null, "", "utf-8", false],
  ])("%s", (_name, body, contentType, text, encoding, warns) => {
    const out = decodeFeedBytes(body, contentType);
    expect(out.text).toBe(text);
    expect(out.encoding).toBe(encoding);
    if (warns) expect(out.warning).toMatch(/not valid UTF-8.*windows-1252/);
    else expect(out.warning).toBeNull();
  });

  it("names the declared encoding in the warning", () => {
    const out = decodeFeedBytes(Buffer.concat([utf8(`<?xml version="1.0" encoding="UTF-8"?>`), bytes(0xff)]), null);
    expect(out.warning).toContain("declared UTF-8");
  });
});
