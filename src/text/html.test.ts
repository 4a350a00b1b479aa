import { describe, expect, it } from "vitest";
import { foldWhitespace, htmlToPlainText, plainTitle } from "./html.js";

describe("htmlToPlainText", () => {
  it.each([
    ["empty", "", ""],
    ["numeric entity", "<p>It&#8217;s here</p>", "It’s here"],
    ["named entities", "<p>Fish &amp; chips&hellip;</p>", "Fish & chips…"],
    ["double-escaped numeric entity", "<p>It&amp;#8217;s here</p>", "It’s here"],
    ["double-escaped named entity", "<p>Tom &amp;amp; Jerry</p>", "Tom & Jerry"],
    ["escaped markup stays text", "<p>5 &lt; 6 &amp;&amp; 7 &gt; 3</p>", "5 < 6 && 7 > 3"],
    ["whitespace folded", "<p>a\n\n   b\u00a0\u00a0c\t d</p>", "a b c d"],
    ["paragraphs joined", "<p>One.</p>\n<p>Two.</p>", "One. Two."],
    ["headings keep their case", "<h2>Heading</h2><p>para</p>", "Heading para"],
    ["WordPress footer removed", '<p>Body text here.</p><p>The post <a href="https://e.com/x">Hello</a> appeared first on <a href="https://e.com">My Site</a>.</p>', "Body text here."],
    ["excerpt […] removed", "<p>Some excerpt text [&hellip;]</p>", "Some excerpt text"],
    ["excerpt [...] removed", "<p>Some excerpt [...] more</p>", "Some excerpt more"],
    ["Continue reading → removed", '<p>Text. <a href="https://e.com/x#more">Continue reading &rarr;</a></p>', "Text."],
    ["Continue reading with a title removed", '<p>Intro.</p><p><a href="/x">Continue reading<span> "My post"</span></a></p>', "Intro."],
    ["Read more » removed", '<p>Intro. <a href="/x">Read more &raquo;</a></p>', "Intro."],
    ["'read more' inside a sentence kept", "<p>We read more books now than ever.</p>", "We read more books now than ever."],
    ["'Continue reading' far from the end kept", `<p>Continue reading the manual. ${"Then act. ".repeat(30)}</p>`, `Continue reading the manual. ${"Then act. ".repeat(30).trim()}`],
    ["script dropped", "<p>Hi</p><script>alert('x')</script><p>there</p>", "Hi there"],
    ["style dropped", "<style>p{color:red}</style><p>Hi</p>", "Hi"],
    ["img dropped (no alt, no src)", '<p>A <img src="https://e.com/i.png" alt="alt text"> B</p>', "A B"],
    ["figure dropped", '<figure><img src="i.png"><figcaption>Cap</figcaption></figure><p>Text</p>', "Text"],
    ["iframe dropped", '<p>Watch</p><iframe src="https://youtube.com/embed/x"></iframe>', "Watch"],
    ["link text kept, href hidden", '<p>See <a href="https://e.com/x">this link</a> now</p>', "See this link now"],
    ["control characters removed", "<p>a\u0007b\u0093c</p>", "abc"],
    ["Cyrillic and CJK kept", "<p>Привет, 世界</p>", "Привет, 世界"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToPlainText(html)).toBe(expected);
  });

  it.each([
    ["https://e.com/secret-path", '<p>Go <a href="https://e.com/secret-path">here</a></p>'],
    ["i.png", '<p>Pic <img src="https://e.com/i.png" alt="x"></p>'],
    ["alert", "<p>Hi</p><script>alert('x')</script>"],
  ])("never shows %s", (needle, html) => {
    expect(htmlToPlainText(html)).not.toContain(needle);
  });
});

describe("plainTitle", () => {
  it.each<[string, string | null | undefined, string]>([
    ["null", null, ""],
    ["undefined", undefined, ""],
    ["numeric entity", "It&#8217;s here", "It’s here"],
    ["named entities", "Fish &amp; chips &hellip;", "Fish & chips …"],
    ["double-escaped numeric entity", "It&amp;#8217;s here", "It’s here"],
    ["double-escaped named entity", "Tom &amp;amp; Jerry", "Tom & Jerry"],
    ["<b> removed", "A <b>bold</b> move", "A bold move"],
    ["escaped <b> removed", "A &lt;b&gt;bold&lt;/b&gt; move", "A bold move"],
    ["<&> as text kept", "A &lt;&amp;&gt; B", "A <&> B"],
    ["bare < and > kept", "5 < 6 > 4", "5 < 6 > 4"],
    ["heart kept", "I <3 you", "I <3 you"],
    ["bare ampersand kept", "Q&A: results", "Q&A: results"],
    ["whitespace folded", "  Line one\n   line\u00a0two  ", "Line one line two"],
    ["Cyrillic", "Новости &laquo;дня&raquo;", "Новости «дня»"],
    ["emoji", "🎉 Launch <i>day</i>", "🎉 Launch day"],
  ])("%s", (_name, raw, expected) => {
    expect(plainTitle(raw)).toBe(expected);
  });

  it("keeps a 400-character title whole (shortening is the renderer's job)", () => {
    const long = "Budget ".repeat(57).trim(); // 398 characters
    expect(plainTitle(long)).toBe(long);
  });
});

describe("foldWhitespace", () => {
  it.each([
    ["  a  b  ", "a b"],
    ["a\n\nb", "a b"],
    ["a\u00a0\u200bb", "a b"],
    ["", ""],
  ])("%j", (input, expected) => {
    expect(foldWhitespace(input)).toBe(expected);
  });
});
