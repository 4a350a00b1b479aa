// Unit tests of the Bot API HTML-style parser (https://core.telegram.org/bots/api#html-style).
import { describe, expect, it } from "vitest";
import { EntityParseError, parseHtml } from "./html.js";

const reason = (html: string): string => {
  try {
    parseHtml(html);
  } catch (err) {
    if (err instanceof EntityParseError) return err.reason;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(html)} to be refused`);
};

describe("parseHtml", () => {
  it("maps every documented tag to its entity", () => {
    const { text, entities } = parseHtml(
      "<b>b</b><strong>b</strong><i>i</i><em>i</em><u>u</u><ins>u</ins><s>s</s><strike>s</strike><del>s</del>" +
        '<span class="tg-spoiler">p</span><tg-spoiler>p</tg-spoiler><code>c</code><pre>p</pre>' +
        '<a href="tg://user?id=123456789">m</a><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>' +
        '<blockquote>q</blockquote><blockquote expandable>e</blockquote><tg-time unix="1647531900" format="wDT">t</tg-time>',
    );
    expect(text).toBe("bbiiuusssppcpm👍qet");
    expect(entities.map((e) => e.type)).toEqual([
      "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough", "strikethrough",
      "spoiler", "spoiler", "code", "pre", "text_link", "custom_emoji", "blockquote", "expandable_blockquote", "date_time",
    ]);
    expect(entities[13]).toEqual({ type: "text_link", offset: 13, length: 1, url: "tg://user?id=123456789" });
    expect(entities[14]).toEqual({ type: "custom_emoji", offset: 14, length: 2, custom_emoji_id: "5368324170671202286" });
    expect(entities[17]).toEqual({ type: "date_time", offset: 18, length: 1, unix_time: 1647531900, date_time_format: "wDT" });
  });

  it("nests entities (outer first) and counts offsets in UTF-16 code units", () => {
    const { text, entities } = parseHtml("😀<b>bold <i>italic 𝕏 <s>strike</s></i> <u>u</u></b>");
    expect(text).toBe("😀bold italic 𝕏 strike u");
    expect(entities).toEqual([
      { type: "bold", offset: 2, length: 23 },
      { type: "italic", offset: 7, length: 16 },
      { type: "strikethrough", offset: 17, length: 6 },
      { type: "underline", offset: 24, length: 1 },
    ]);
  });

  it("pre + code with a language makes one pre entity; standalone code ignores the language", () => {
    expect(parseHtml('<pre><code class="language-python">x = 1</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 5, language: "python" },
    ]);
    expect(parseHtml('<code class="language-go">y</code>').entities).toEqual([{ type: "code", offset: 0, length: 1 }]);
    expect(parseHtml("<pre><code>z</code></pre>").entities).toEqual([{ type: "pre", offset: 0, length: 1 }]);
  });

  it("drops entities inside pre/code and nested blockquotes (#formatting-options nesting rules)", () => {
    expect(parseHtml("<code><b>x</b></code>").entities).toEqual([{ type: "code", offset: 0, length: 1 }]);
    expect(parseHtml("<blockquote>a<blockquote>b</blockquote></blockquote>").entities).toEqual([
      { type: "blockquote", offset: 0, length: 2 },
    ]);
    expect(parseHtml('<blockquote><a href="https://e.x/">l</a></blockquote>').entities).toHaveLength(2);
  });

  it("decodes only the documented named entities and numeric ones", () => {
    expect(parseHtml("&lt;&gt;&amp;&quot;&#65;&#x42;&#x1F600;").text).toBe('<>&"AB😀');
    expect(reason("&nbsp;")).toBe('Unsupported HTML entity "&nbsp;" at byte offset 0');
    expect(reason("&lt")).toBe("Character entity expected at byte offset 0");
    expect(reason("&#xD83D;")).toBe(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
    expect(reason("ü&#1114112;")).toBe('Invalid character entity "&#1114112;" at byte offset 2');
  });

  it("reads attributes: quoted, unquoted, case-insensitive, entities inside, unknown ones ignored", () => {
    expect(parseHtml(`<A HREF='https://e.x/?a=1&b=2&amp;c=&quot;3&quot;' target="_blank">x</A>`).entities[0]?.url).toBe(
      'https://e.x/?a=1&b=2&c="3"',
    );
    expect(parseHtml("<a href=example.org>x</a>").entities[0]?.url).toBe("example.org");
    expect(parseHtml("<a>no href</a>").entities).toEqual([]);
    expect(reason("<a href=https://e.x/>x</a>")).toBe("Unexpected end of name token at byte offset 13");
    expect(reason("<i =x>a</i>")).toBe('Empty attribute name in the tag "i" at byte offset 0');
    expect(reason("<i aba>a</i>")).toBe('Expected equal sign in declaration of an attribute of the tag "i" at byte offset 0');
    expect(reason("<i aba = ")).toBe('Unclosed start tag "i" at byte offset 0');
    expect(reason('<a href="x>y</a>')).toBe("Unclosed start tag at byte offset 0");
  });

  it("end tags: </> closes the innermost tag, mismatches are refused", () => {
    expect(parseHtml("<b>a<i>b</></   >").entities).toEqual([
      { type: "bold", offset: 0, length: 2 },
      { type: "italic", offset: 1, length: 1 },
    ]);
    expect(reason("<i>a</em   >")).toBe('Unmatched end tag at byte offset 4, expected "</i>", found "</em>"');
    expect(reason("<b>a</b")).toBe("Unclosed end tag at byte offset 4");
    expect(reason("🏟 🏟&lt;<abacaba")).toBe("Unclosed start tag at byte offset 13");
  });

  it("validates tg-emoji and tg-time attributes", () => {
    expect(reason('<tg-emoji emoji-id="x">👍</tg-emoji>')).toBe("Invalid custom emoji identifier specified");
    expect(reason('<tg-time unix="soon">t</tg-time>')).toBe('Invalid Unix time specified in the tag "tg-time" at byte offset 0');
    expect(reason('<tg-time unix="1" format="rw">t</tg-time>')).toBe('Invalid date-time format specified in the tag "tg-time" at byte offset 0');
  });

  it("empty entities disappear", () => {
    expect(parseHtml("a<b></b>b").entities).toEqual([]);
  });
});
