import { describe, expect, it } from "vitest";
import { neutraliseBidi } from "./bidi.js";
import { htmlToPlainText, plainTitle } from "./html.js";

// Escapes only: a raw override in this file would reorder the source as it is read.
const [LRE, RLE, PDF, LRO, RLO] = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e"];
const [LRI, RLI, FSI, PDI] = ["\u2066", "\u2067", "\u2068", "\u2069"];
const [LRM, RLM, ALM, ZWNJ] = ["\u200e", "\u200f", "\u061c", "\u200c"];
const EXPLICIT = /[\u202a-\u202e\u2066-\u2069]/gu;

/** Every closer follows its opener, and nothing is open at the end (overrides are gone). */
function balanced(text: string): boolean {
  const open: string[] = [];
  for (const [c] of text.matchAll(EXPLICIT)) {
    if (c === LRO || c === RLO) return false;
    if (c === LRE || c === RLE || c === LRI || c === RLI || c === FSI) open.push(c);
    else if (c === PDF && (open.at(-1) === LRE || open.at(-1) === RLE)) open.pop();
    else if (c === PDI && open.some((o) => o === LRI || o === RLI || o === FSI)) {
      while (![LRI, RLI, FSI].includes(open.pop() ?? LRI));
    } else return false;
  }
  return open.length === 0;
}

describe("neutraliseBidi: spoofing neutralised", () => {
  it.each<[string, string, string]>([
    ["an override and its PDF (the file-name trick)", `RTL ${RLO}gnp.exe${PDF}`, "RTL gnp.exe"],
    ["an override left open", `RTL ${RLO}gnp.exe`, "RTL gnp.exe"],
    ["a left-to-right override", `a ${LRO}b${PDF} c`, "a b c"],
    ["an override over Hebrew", `${RLO}שלום${PDF} world`, "שלום world"],
    ["an embedding left open", `${RLE}embedded`, `${RLE}embedded${PDF}`],
    ["an isolate left open", `${RLI}مرحبا`, `${RLI}مرحبا${PDI}`],
    ["a first-strong isolate left open", `${FSI}abc`, `${FSI}abc${PDI}`],
    ["nested, left open: closed innermost first", `${RLE}a${LRI}b`, `${RLE}a${LRI}b${PDI}${PDF}`],
    ["stray closers", `x${PDF}y${PDI}z`, "xyz"],
    ["a PDF inside an isolate cannot close the embedding outside it", `${RLE}a${LRI}b${PDF}c${PDI}d`, `${RLE}a${LRI}bc${PDI}d${PDF}`],
    ["a PDI also ends what was opened inside its isolate", `${FSI}a${RLE}b${PDI}c${PDF}`, `${FSI}a${RLE}b${PDI}c`],
    ["an override inside an isolate", `${RLI}a${RLO}b${PDF}c${PDI}`, `${RLI}abc${PDI}`],
    ["an override inside an embedding, each with its PDF", `${RLE}a${RLO}b${PDF}c${PDF}`, `${RLE}abc${PDF}`],
    ["an isolate opened on nothing is dropped, not closed", `title ${RLI} `, "title  "],
    ["only formatting", `${RLO}${RLI}${PDF}`, ""],
  ])("%s", (_name, input, expected) => {
    const out = neutraliseBidi(input);
    expect(out).toBe(expected);
    expect(balanced(out)).toBe(true);
  });

  it.each<[string, string, string]>([
    ["an isolate left open is dropped", `${RLI}abc`, "abc"],
    ["a closed one is kept", `${RLI}ab${PDI}c${RLE}d`, `${RLI}ab${PDI}cd`],
  ])("for a cut that must not grow: %s", (_name, input, expected) => {
    expect(neutraliseBidi(input, "drop")).toBe(expected);
  });

  it("keeps the text around a thousand open isolates, in linear work", () => {
    const hostile = `${RLI}x`.repeat(50_000);
    const out = neutraliseBidi(hostile);
    expect(out.replace(EXPLICIT, "")).toBe("x".repeat(50_000));
    expect(balanced(out)).toBe(true);
  });
});

// Real right-to-left and mixed titles, with the marks they rely on: unchanged, byte for byte.
const RTL_TITLES: Array<[string, string]> = [
  ["Arabic", "مجلس المدينة يوافق على الميزانية الجديدة"],
  ["Hebrew", "הממשלה אישרה את התקציב לשנת 2026"],
  ["Persian with a zero-width non-joiner", `شهرداری می${ZWNJ}خواهد پارک را بازسازی کند`],
  ["Hebrew with RLM after a number", `גרסה 2.0${RLM} — עדכון חשוב`],
  ["Arabic with ALM before a number", `السعر ${ALM}-100 دولار`],
  ["Hebrew with a Latin brand and LRM", `Apple${LRM} משיקה iPhone 17 בישראל`],
  ["Arabic with a Latin acronym", "الأمم المتحدة (UN) تعقد اجتماعا طارئا"],
  ["English with a quoted Hebrew name in an isolate", `Review: ${RLI}ספר הדקדוק${PDI} is out`],
  ["Arabic in a closed embedding", `${RLE}مرحبا بالعالم${PDF} — news`],
  ["Urdu with emoji", "پاکستان میں بارش 🌧️ کا امکان"],
];

describe("neutraliseBidi: right-to-left text unchanged", () => {
  it.each(RTL_TITLES)("%s", (_name, title) => {
    expect(neutraliseBidi(title)).toBe(title);
    expect(neutraliseBidi(title, "drop")).toBe(title);
  });
});

describe("feed text cleaning applies it to every field", () => {
  it.each(RTL_TITLES)("title and summary keep %s byte for byte", (_name, title) => {
    expect(plainTitle(title)).toBe(title);
    expect(htmlToPlainText(`<p>${title}</p>`)).toBe(title);
  });

  it.each<[string, string, string]>([
    ["title with an override", `RTL ${RLO}gnp.exe${PDF}`, "RTL gnp.exe"],
    ["title with an isolate left open", `${RLI}عاجل: انقطاع الكهرباء`, `${RLI}عاجل: انقطاع الكهرباء${PDI}`],
    ["title whose override is an entity", "RTL &#x202E;gnp.exe&#x202C;", "RTL gnp.exe"],
  ])("plainTitle: %s", (_name, raw, expected) => {
    expect(plainTitle(raw)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ["an override in a paragraph", `<p>Open ${RLO}fdp.scr${PDF} now</p>`, "Open fdp.scr now"],
    // Closed after the boilerplate is removed: "Read more" taking the closer with it would leave it open.
    ["an isolate left open before a Read more link", `<p>${RLI}خبر عاجل</p><p><a href="/x">Read more »</a></p>`, `${RLI}خبر عاجل${PDI}`],
  ])("htmlToPlainText: %s", (_name, html, expected) => {
    expect(htmlToPlainText(html)).toBe(expected);
  });
});
