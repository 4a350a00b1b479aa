import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeFeedBytes } from "./decode.js";

const bytes = (...b: number[]): Buffer => Buffer.from(b);
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");
const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

describe("decodeFeedBytes: what the bytes really are", () => {
  it.each<[string, Buffer, string | null, string, string, RegExp | null]>([
    // name, bytes, content-type, text, encoding, warning
    [
      "nothing declared, KOI8-R bytes (Russian): recognised by chardet, not read as windows-1252",
      iconv.encode('<rss><channel><title>Новости</title><item><title>Как пережить новогоднюю ночь и не потерять голову</title><description>Советы врачей и психологов о том, как встретить праздник без вреда для здоровья.</description></item></channel></rss>', "koi8-r"),
      null,
      '<rss><channel><title>Новости</title><item><title>Как пережить новогоднюю ночь и не потерять голову</title><description>Советы врачей и психологов о том, как встретить праздник без вреда для здоровья.</description></item></channel></rss>',
      "koi8-r",
      /no encoding is declared and the bytes are not UTF-8; read as KOI8-R \(detected, \d+ % confidence\)/,
    ],
    [
      "nothing declared, Shift_JIS bytes (Japanese): recognised by chardet",
      iconv.encode('<rss><channel><title>ニュース</title><item><title>記事投稿が反映されない問題について</title><description>本日の記事はこちらです。詳しくは本文をご覧ください。</description></item></channel></rss>', "shift_jis"),
      null,
      '<rss><channel><title>ニュース</title><item><title>記事投稿が反映されない問題について</title><description>本日の記事はこちらです。詳しくは本文をご覧ください。</description></item></channel></rss>',
      "shift_jis",
      /read as Shift_JIS \(detected/,
    ],
    [
      "nothing declared, Latin-1 bytes (Spanish): windows-1252, never a guessed Latin cousin",
      iconv.encode('<rss><channel><title>Noticias</title><item><title>El año de la señal: Ñandú en España</title><description>Una canción para el corazón, según él.</description></item></channel></rss>', "latin1"),
      null,
      '<rss><channel><title>Noticias</title><item><title>El año de la señal: Ñandú en España</title><description>Una canción para el corazón, según él.</description></item></channel></rss>',
      "windows-1252",
      /bytes are not valid UTF-8; read as windows-1252/,
    ],
    [
      "nothing declared, short Latin-1 text whose best guess is another Latin charset: still windows-1252",
      iconv.encode("<t>año</t>", "latin1"),
      null,
      "<t>año</t>",
      "windows-1252",
      /read as windows-1252/,
    ],
    [
      "a declaration wins over what the bytes look like (KOI8-R bytes declared windows-1251 are read as declared)",
      cat(utf8('<?xml version="1.0" encoding="windows-1251"?>'), iconv.encode("<t>Как</t>", "koi8-r")),
      null,
      '<?xml version="1.0" encoding="windows-1251"?>' + iconv.decode(iconv.encode("<t>Как</t>", "koi8-r"), "windows-1251"),
      "windows-1251",
      null,
    ],
    [
      "UTF-8 with pasted Latin-1: each invalid byte read as windows-1252, the rest as UTF-8",
      cat(utf8("<t>Ѩ "), bytes(0x45, 0x73, 0x70, 0x61, 0xf1, 0x61), utf8(" ’</t>")),
      null,
      "<t>Ѩ España ’</t>",
      "utf-8+windows-1252",
      /not valid UTF-8; read the invalid bytes as windows-1252/,
    ],
    [
      "a UTF-8 BOM with invalid bytes after it",
      cat(bytes(0xef, 0xbb, 0xbf), utf8("<t>é "), bytes(0xe9), utf8("</t>")),
      null,
      "<t>é é</t>",
      "utf-8+windows-1252",
      /byte order mark says UTF-8 but the bytes are not valid UTF-8/,
    ],
    [
      "HTTP says ISO-8859-1, the bytes are UTF-8 (a server default): UTF-8",
      utf8("<t>Ñandú “q”</t>"),
      "text/xml; charset=ISO-8859-1",
      "<t>Ñandú “q”</t>",
      "utf-8",
      /HTTP header says charset=ISO-8859-1 but the bytes are valid UTF-8/,
    ],
    [
      "declared ISO-8859-1, the bytes are UTF-8: UTF-8",
      utf8(`<?xml version="1.0" encoding="ISO-8859-1"?><t>año</t>`),
      null,
      `<?xml version="1.0" encoding="ISO-8859-1"?><t>año</t>`,
      "utf-8",
      /declared ISO-8859-1 but the bytes are valid UTF-8/,
    ],
    ["HTTP us-ascii on pure ASCII stays quiet", utf8("<t>plain</t>"), "text/xml; charset=us-ascii", "<t>plain</t>", "windows-1252", null],
    [
      "an unknown declared encoding",
      utf8(`<?xml version="1.0" encoding="bogus"?><rss/>`),
      null,
      `<?xml version="1.0" encoding="bogus"?><rss/>`,
      "utf-8",
      /declared an unknown encoding "bogus"; read as UTF-8/,
    ],
    [
      "bytes that are not valid in the declared encoding",
      cat(utf8(`<?xml version="1.0" encoding="shift_jis"?><t>`), bytes(0x82, 0xa0, 0x85, 0xff), utf8("</t>")),
      null,
      `<?xml version="1.0" encoding="shift_jis"?><t>あ\ufffd\ufffd</t>`,
      "shift_jis",
      /not valid shift_jis; they were replaced/,
    ],
    ["UTF-32BE with BOM", cat(bytes(0, 0, 0xfe, 0xff), iconv.encode("<t>年😀</t>", "utf-32be")), null, "<t>年😀</t>", "utf-32be", null],
    [
      "UTF-32LE without BOM, sniffed",
      iconv.encode(`<?xml version="1.0" encoding="UTF-32"?><t>ü</t>`, "utf-32le"),
      null,
      `<?xml version="1.0" encoding="UTF-32"?><t>ü</t>`,
      "utf-32le",
      null,
    ],
    ["overlong UTF-8 (C0 AF) is not UTF-8", cat(utf8("<t>"), bytes(0xc0, 0xaf), utf8("</t>")), null, "<t>À¯</t>", "windows-1252", /read as windows-1252/],
    ["a UTF-8 surrogate (ED A0 80) is not UTF-8", cat(utf8("<t>"), bytes(0xed, 0xa0, 0x80), utf8("</t>")), null, "<t>í\u00a0€</t>", "windows-1252", /read as windows-1252/],
    ["a 4-byte sequence cut short", cat(utf8("<t>😀"), bytes(0xf0, 0x9f, 0x98), utf8("</t>")), null, "<t>😀ðŸ˜</t>", "utf-8+windows-1252", /invalid bytes/],
  ])("%s", (_name, body, contentType, text, encoding, warning) => {
    const out = decodeFeedBytes(body, contentType);
    expect(out.text).toBe(text);
    expect(out.encoding).toBe(encoding);
    if (warning) expect(out.warning).toMatch(warning);
    else expect(out.warning).toBeNull();
  });

  it("never leaves C1 controls from windows-1252 bytes 0x80-0x9F", () => {
    const out = decodeFeedBytes(bytes(...Array.from({ length: 32 }, (_, i) => 0x80 + i)), null);
    // 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned in windows-1252
    expect(out.text.replace(/\ufffd/g, "")).toBe("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
  });
});
