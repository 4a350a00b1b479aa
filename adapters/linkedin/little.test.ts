// The escaper against the little-text grammar. The parser is the loopback's
// (test/loopback/linkedin-api/little.ts), written from the reference page, not from little.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLittle } from "../../test/loopback/linkedin-api/little.js";
import type { FeedItem } from "../../src/core/index.js";
import { TEMPLATE_PLACEHOLDERS } from "../../src/render/template.js";
import { linkedinConfig } from "./config.js";
import { LITTLE_RESERVED, escapeLittle, escapeTemplate, hashtagTemplate, hashtagsLittle, littleToPlain } from "./little.js";
import { linkedinLimits, renderLinkedIn } from "./render.js";

/**
 * The Text production of the page, as a regular expression: non-reserved characters, or a
 * backslash followed by one of the 15 reserved characters. A string it matches has no unescaped
 * reserved character.
 */
const TEXT_PRODUCTION = /^(?:[^|{}@[\]()<>#\\*_~]|\\[|{}@[\]()<>#\\*_~])*$/u;

// Strings heavy in reserved characters, backslash runs, hashtag- and mention-looking text, and any Unicode.
const piece = fc.constantFrom(...LITTLE_RESERVED, "\\\\", "\\(", "#tag", "@[x](urn:li:person:1)", "{hashtag|#|x}", "a", " ", "\n", "é", "👩‍👩‍👧", "東京", "\u0301");
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.array(piece, { maxLength: 60 }).map((p) => p.join("")));

describe("escapeLittle", () => {
  it("property: LinkedIn's parser reads the escaped form back as the original, whole", () => {
    fc.assert(fc.property(text, (s) => {
      expect(parseLittle(escapeLittle(s))).toEqual({ text: s, cutAt: null, hashtags: [], mentions: [] });
    }), { numRuns: 500 });
  });

  it("property: no unescaped reserved character remains (the Text production matches the whole string)", () => {
    fc.assert(fc.property(text, (s) => {
      expect(TEXT_PRODUCTION.test(escapeLittle(s).replace(/[\uD800-\uDFFF]/g, "x"))).toBe(true);
    }), { numRuns: 500 });
  });

  it("property: unescaping the escaped form gives the original", () => {
    fc.assert(fc.property(text, (s) => {
      expect(littleToPlain(escapeLittle(s))).toBe(s);
    }), { numRuns: 500 });
  });

  it("escapes each of the 15 reserved characters once, the backslash included", () => {
    expect(escapeLittle("| { } @ [ ] ( ) < > # \\ * _ ~")).toBe("\\| \\{ \\} \\@ \\[ \\] \\( \\) \\< \\> \\# \\\\ \\* \\_ \\~");
    expect(escapeLittle("C:\\(x)")).toBe("C:\\\\\\(x\\)");
  });

  it("negative control: the text as written, unescaped, is cut where LinkedIn cuts it", () => {
    expect(parseLittle("This is a test. (This is also a test.)")).toMatchObject({ text: "This is a test. ", cutAt: 16 });
  });
});

describe("hashtags as the documented template", () => {
  it("property: {hashtag|\\#|tag} reads back as #tag, for any word of letters, digits and _", () => {
    const tag = fc.stringMatching(/^[\p{L}\p{N}_]{1,30}$/u);
    fc.assert(fc.property(tag, (t) => {
      expect(parseLittle(hashtagTemplate(t))).toMatchObject({ text: `#${t}`, cutAt: null, hashtags: [t] });
    }));
  });

  it("the {hashtags} field: tags become templates, anything else stays text", () => {
    expect(hashtagsLittle("#LocalNews #Қазақстан #Local_News")).toBe("{hashtag|\\#|LocalNews} {hashtag|\\#|Қазақстан} {hashtag|\\#|Local\\_News}");
    expect(parseLittle(hashtagsLittle("#LocalNews not#atag #")).text).toBe("#LocalNews not#atag #");
  });
});

describe("escapeTemplate", () => {
  it("escapes the operator's fixed text and keeps the placeholders", () => {
    expect(escapeTemplate("{title} (via {feed}) {nope} #news", TEMPLATE_PLACEHOLDERS)).toBe("{title} \\(via {feed}\\) \\{nope\\} \\#news");
  });

  it("property: a rendered commentary is read by LinkedIn whole, as the preview shows it", () => {
    const cfg = linkedinConfig.parse({ accessToken: "AQVx-0000", author: "urn:li:person:782bbtaQ" });
    const template = fc.constantFrom("{summary}\n\n{hashtags}", "{title} (via {feed}) {link}", "*{title}* ~{author}~ {hashtags}", "[{feed}] {summary} <{link}>");
    fc.assert(fc.property(text, text, fc.array(text, { maxLength: 4 }), template, (title, summary, categories, tpl) => {
      const item: FeedItem = { feedId: "desk_1", guid: "g", link: "https://news.example/a_(b)", title, summary, author: "A_B", categories, imageUrl: null, publishedAt: null };
      const { payload, preview } = renderLinkedIn(item, cfg, linkedinLimits(), { template: tpl, maxHashtags: 3, link: item.link });
      const stored = parseLittle(payload.commentary);
      expect(stored.cutAt).toBeNull();
      expect(preview.startsWith(stored.text)).toBe(true);
    }), { numRuns: 200 });
  });
});
