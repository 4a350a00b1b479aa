// The counter against Meta's words: "Text posts are limited to 500 characters." / "Emojis are counted
// as the number of UTF-8 bytes." (https://developers.facebook.com/documentation/threads/posts, updated
// Apr 14, 2026). The reference implementation, written from those words alone, is the loopback's.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { threadsCharacters, uniqueLinks } from "../../test/loopback/threads-api/text-rules.js";
import { isEmojiCluster, linkCount, threadsLength } from "./count.js";

describe("threadsLength: emoji by their UTF-8 bytes, everything else one per character", () => {
  it.each([
    ["plain ASCII", "Hello, world", 12],
    ["thumbs up U+1F44D", "👍", 4],
    ["with a skin tone (modifier)", "👍🏽", 8],
    ["flag: two regional indicators", "🇰🇿", 8],
    ["keycap 1️⃣ (1, VS16, U+20E3)", "1️⃣", 7],
    ["keycap #️⃣", "#️⃣", 7],
    ["ZWJ family of four", "👩‍👩‍👧‍👦", 25],
    ["rainbow flag (ZWJ, VS16)", "🏳️‍🌈", 14],
    ["person, dark skin, curly hair", "🧑🏿‍🦱", 15],
    ["red heart with VS16", "❤️", 6],
    ["text-style ©: a pictograph, counted as emoji (2 bytes)", "©", 2],
    ["Kazakh Cyrillic: a letter is one, not its 2 bytes", "Қазақстан", 9],
    ["Russian", "Школа", 5],
    ["CJK: one each, not 3 bytes", "東京で", 3],
    ["decomposed é (e + U+0301) is one character", "e\u0301", 1],
    ["combining marks stacked on one letter", "Z̷̢̛̛", 1],
    ["CR LF is one", "a\r\nb", 3],
    ["Arabic", "مرحبا", 5],
    ["a lone surrogate", "\ud83d", 1],
    ["mixed: 5 + 8 + 2 + 4 + 1 + 8 + 1", "News 🇺🇦: Київ 👍🏽!", 29],
  ])("%s", (_name, text, expected) => {
    expect(threadsLength(text)).toBe(expected);
    expect(threadsCharacters(text)).toBe(expected);
  });

  it("decides 'emoji' by Unicode property, not by a list", () => {
    for (const e of ["😀", "🫠", "🪿", "⌚", "☀️", "🇺🇳", "🏽"]) expect(isEmojiCluster(e)).toBe(true);
    for (const t of ["a", "1", "#", "東", "é", "→", "€"]) expect(isEmojiCluster(t)).toBe(false);
  });

  const pieces = ["a", "Z", " ", "\n", "\r", "\r\n", ".", "©", "®", "é", "e\u0301", "Қ", "東", "مر", "👍", "🏽", "👍🏽", "🇰🇿", "🇺", "1️⃣", "\u20e3", "\u200d", "\ufe0f", "👩‍👩‍👧‍👦", "🏳️‍🌈", "❤", "\u0301", "https://x.example/?a=1"];
  const mixed = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((p) => p.join(""));

  it("property: equals the reference written from Meta's wording, on any text", () => {
    fc.assert(fc.property(fc.oneof(mixed, fc.string({ unit: "grapheme", maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 })), (text) => {
      expect(threadsLength(text)).toBe(threadsCharacters(text));
    }), { numRuns: 2000 });
  });

  it("property: between the number of characters and the number of UTF-8 bytes", () => {
    const clusters = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    fc.assert(fc.property(mixed, (text) => {
      const n = threadsLength(text);
      expect(n).toBeGreaterThanOrEqual([...clusters.segment(text)].length);
      expect(n).toBeLessThanOrEqual(Buffer.byteLength(text, "utf8"));
    }), { numRuns: 500 });
  });
});

describe("linkCount: unique URLs of the text, plus the attachment when it differs", () => {
  it.each([
    // Meta's own examples (posts page, "How links are counted").
    ["www.facebook.com", "www.facebook.com", 1],
    ["www.instagram.com and www.threads.com", "www.facebook.com", 3],
    ["www.example.com, www.example.com and www.test.com", "www.test.com", 3], // "www.example.com," keeps its comma: counted apart (stricter)
    ["www.example.com www.example.com www.test.com", "www.test.com", 2],
    ["no links at all", null, 0],
    ["see https://a.example/x and HTTP://B.example", "https://c.example", 3],
  ])("%s (+ %s) → %i", (text, attachment, expected) => {
    expect(linkCount(text, attachment)).toBe(expected);
    expect(uniqueLinks(text, attachment ?? undefined).size).toBe(expected);
  });
});
