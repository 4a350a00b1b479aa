/** Items that break careless renderers. Every adapter must render each within its limit, link intact. */
import type { FeedItem } from "../../src/core/index.js";

const base: FeedItem = {
  feedId: "contract",
  guid: "contract-1",
  link: "https://news.example.org/2026/11/26/a-story/?p=48213",
  title: "A story",
  summary: "A summary.",
  author: "Desk",
  categories: ["Local news"],
  imageUrl: null,
  publishedAt: "2026-11-26T17:40:00.000Z",
};

const words = (n: number, word = "lorem"): string => Array.from({ length: n }, (_, i) => `${word}${i % 7}`).join(" ");

export const TRICKY_ITEMS: ReadonlyArray<[string, FeedItem]> = [
  ["plain", base],
  ["400-character title", { ...base, title: words(60).slice(0, 400) }],
  ["10,000-character summary", { ...base, summary: words(1500).slice(0, 10_000) }],
  ["emoji ZWJ sequences and flags", { ...base, title: "Family day 👩‍👩‍👧‍👦 at the 🏳️‍🌈 parade 🇰🇿🇺🇦", summary: "👍🏽 ".repeat(400) }],
  ["Kazakh and Russian Cyrillic", { ...base, title: "Қазақстан жаңалықтары: Астанада жаңа саябақ ашылды", summary: "Школа в Заречье получит новый спортзал. ".repeat(40), categories: ["Қоғам", "Образование"] }],
  ["CJK", { ...base, title: "東京で新しい図書館が開館しました", summary: "市の中心部に新しい図書館が完成し、多くの市民が訪れました。".repeat(30), categories: ["ニュース"] }],
  ["several URLs in the summary", { ...base, summary: `See https://example.com/a and http://example.org/b?x=1&y=2 and https://t.co/xyz. ${"More text. ".repeat(60)}https://example.net/end` }],
  ["HTML-looking text and <&>", { ...base, title: `AT&T <b>bold</b> & "quotes" <script>alert(1)</script> 5 > 3 < 4`, summary: `Use <i>tags</i> & &amp; entities &lt;kept&gt; as text. ${"x & y < z ".repeat(80)}` }],
  ["combining marks and RTL", { ...base, title: "Zalgo Z̷̢̛̛a̶̡l̴g̸o̵ and مرحبا بالعالم", summary: "ééé".normalize("NFD").repeat(300) }],
  ["a very long word", { ...base, summary: "x".repeat(6000) }],
  ["no summary, no author, no categories", { ...base, summary: "", author: null, categories: [] }],
  ["long link with query and fragment", { ...base, link: `https://news.example.org/2026/11/26/${"segment-".repeat(12)}story/?utm_source=rss&p=48213&ref=${"r".repeat(40)}#comments` }],
];
