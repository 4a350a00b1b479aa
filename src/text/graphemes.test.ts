import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { graphemeLength, graphemes, truncate } from "./graphemes.js";

const FAMILY = "👩‍👩‍👧‍👦"; // one grapheme, 11 UTF-16 units (ZWJ sequence)
const THUMB = "👍🏽"; // emoji + skin-tone modifier
const E_ACUTE = "e\u0301"; // e + combining acute
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("graphemeLength / graphemes", () => {
  it.each([
    ["empty", "", 0],
    ["ascii", "abc", 3],
    ["ZWJ family", FAMILY, 1],
    ["flag", "🇩🇪", 1],
    ["two flags", "🇩🇪🇫🇷", 2],
    ["skin tone", THUMB, 1],
    ["combining", `${E_ACUTE}${E_ACUTE}`, 2],
    ["stacked combining", "x\u0308\u0301", 1],
    ["CJK", "漢字", 2],
    ["Cyrillic", "Привет", 6],
    ["Hebrew", "שלום", 4],
    ["Devanagari syllable", "\u0915\u093f", 1],
    ["astral letter", "𝒜𝒝", 2],
    ["CRLF", "\r\n", 1],
    ["CRLF inside ASCII", "a\r\nb", 3],
    ["Latin-1 (the no-segmenter path)", "Ça coûte 5 €? Non: 5 £ — «ça»", 29],
    ["last code unit before combining marks", "\u02ff\u0300", 1],
    ["typographic punctuation (the no-segmenter path)", "“Quoted” — and… 5 € ‰", 21],
    ["double exclamation as an emoji", "‼\ufe0f", 1],
  ])("%s", (_name, text, expected) => {
    expect(graphemeLength(text)).toBe(expected);
    expect(graphemes(text)).toHaveLength(expected);
    expect(graphemes(text).join("")).toBe(text);
  });
});

it("property: the no-segmenter path counts and cuts exactly as Intl.Segmenter does", () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const text = fc.string({ unit: fc.constantFrom("a", " ", ".", "\r", "\n", "é", "e\u0301", "😀", "ß", "\u02ff", "’", "“", "—", "…", "€", "‼", "\ufe0f", "\u200d", "\u2028", "\u205f", "\u20c1") , maxLength: 60 });
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 70 }), (t, max) => {
      const segments = [...segmenter.segment(t)].length;
      expect(graphemeLength(t)).toBe(segments);
      expect([...segmenter.segment(truncate(t, max))].length).toBeLessThanOrEqual(max);
    }),
  );
});

describe("truncate", () => {
  it.each([
    ["fits: unchanged", "short", 10, "short"],
    ["exactly max: unchanged", "abcde", 5, "abcde"],
    ["max 0", "abc", 0, ""],
    ["max 1", "abc def", 1, "…"],
    ["word boundary, trailing comma dropped", "Hello world, this is a test sentence.", 15, "Hello world…"],
    ["sentence end preferred, no ellipsis", "First sentence. Second sentence is long and goes on.", 25, "First sentence."],
    ["ZWJ sequence kept whole", `${FAMILY}${FAMILY}${FAMILY}`, 2, `${FAMILY}…`],
    ["flags kept whole", "🇩🇪🇫🇷🇮🇹", 2, "🇩🇪…"],
    ["skin tone kept whole", `${THUMB}${THUMB}${THUMB}`, 2, `${THUMB}…`],
    ["combining sequence kept whole", E_ACUTE.repeat(4), 3, `${E_ACUTE}${E_ACUTE}…`],
    ["Cyrillic at a word", "Привет мир и все остальные", 12, "Привет мир…"],
    ["CJK without spaces", "漢字漢字漢字漢字", 5, "漢字漢字…"],
    ["Hebrew at a word", "שלום עולם ומה שלומך", 8, "שלום…"],
    ["URL that would be cut is dropped whole", "Read this: https://example.com/a/very/long/path", 20, "Read this…"],
    ["URL at the start that would be cut", "https://example.com/a/very/long/path and text", 10, "…"],
    ["URL that fits is kept", "See https://e.com/a and more words here", 30, "See https://e.com/a and more…"],
    ["no boundary near: cut at the grapheme", "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"],
  ])("%s", (_name, text, max, expected) => {
    const out = truncate(text, max);
    expect(out).toBe(expected);
    expect(graphemeLength(out)).toBeLessThanOrEqual(max);
  });

  it("cuts a 400-character title to the limit at a word", () => {
    const title = "Breaking: ".concat("council approves the new budget ".repeat(13)).slice(0, 400);
    const out = truncate(title, 100);
    expect(graphemeLength(out)).toBeLessThanOrEqual(100);
    expect(graphemeLength(out)).toBeGreaterThan(80);
    expect(out.endsWith("…")).toBe(true);
    expect(title.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.at(-2)).not.toBe(" ");
    // the last word before the ellipsis is a whole word of the title
    expect(title.slice(out.length - 1, out.length)).toBe(" ");
  });

  const piece = fc.constantFrom(
    "a", "word", "Привет", "Қазақстан", "漢字", "日本語", "שלום", "مرحبا", "\u0915\u093f",
    FAMILY, "🇩🇪", "🇯🇵", THUMB, "😀", E_ACUTE, "x\u0308\u0301", "𝒜",
    " ", " ", "\n", ".", "!", ", ", "…", "-", "https://example.com/path?q=1", "http://e.com/a",
  );
  const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));

  it("property: ≤ n graphemes, a grapheme-aligned prefix of the input, no lone surrogate", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 60 }), (s, n) => {
        const out = truncate(s, n);
        expect(graphemeLength(out)).toBeLessThanOrEqual(n);
        expect(LONE_SURROGATE.test(out)).toBe(false);
        if (out === s) return;
        const body = out.endsWith("…") ? out.slice(0, -1) : out;
        expect(s.startsWith(body)).toBe(true);
        // The cut falls between graphemes of the input, never inside one.
        const kept = graphemes(body).length;
        expect(graphemes(s).slice(0, kept).join("")).toBe(body);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: never cuts inside a URL", () => {
    const urls = ["https://example.com/path?q=1", "http://e.com/a", "https://news.example.org/2024/05/a-long-slug"];
    const wordOrUrl = fc.oneof(fc.constantFrom(...urls), fc.constantFrom("news", "Привет", "漢字", FAMILY, "a"));
    const sentence = fc.array(wordOrUrl, { minLength: 1, maxLength: 15 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(sentence, fc.integer({ min: 1, max: 80 }), (s, n) => {
        const out = truncate(s, n).replace(/…$/u, "");
        for (const found of out.match(/https?:\/\/\S+/gu) ?? []) expect(urls).toContain(found);
      }),
      { numRuns: 1000 },
    );
  });

  // A cut inside an isolate or embedding would leave it open over the rest of the post.
  it.each<[string, string, number, string]>([
    ["an isolate cut open is dropped", "Review: \u2067ספר הדקדוק הגדול\u2069 is out now", 20, "Review: ספר…"],
    ["an embedding cut open is dropped", "Breaking: \u202bمرحبا بالعالم العربي\u202c says the report", 22, "Breaking: مرحبا…"],
    ["an isolate kept whole is kept", "Review: \u2067ספר\u2069 is out now, with more words here", 24, "Review: \u2067ספר\u2069 is out…"],
  ])("%s", (_name, text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });
});
