/** Builds WordPress-shaped RSS 2.0 for tests. */
export interface TestItem {
  guid?: string;
  title: string;
  link?: string;
  description?: string;
  content?: string;
  pubDate?: Date;
  creator?: string;
  categories?: string[];
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function buildRss(items: readonly TestItem[], channel = { title: "Test News", link: "https://news.example.org" }): string {
  const body = items
    .map(
      (i) => `  <item>
    <title>${esc(i.title)}</title>
    ${i.link ? `<link>${esc(i.link)}</link>` : ""}
    ${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ""}
    ${i.pubDate ? `<pubDate>${i.pubDate.toUTCString()}</pubDate>` : ""}
    ${i.creator ? `<dc:creator><![CDATA[${i.creator}]]></dc:creator>` : ""}
    ${(i.categories ?? []).map((c) => `<category><![CDATA[${c}]]></category>`).join("")}
    <description><![CDATA[${i.description ?? ""}]]></description>
    ${i.content ? `<content:encoded><![CDATA[${i.content}]]></content:encoded>` : ""}
  </item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>${esc(channel.title)}</title>
  <link>${esc(channel.link)}</link>
  <description>Test feed</description>
${body}
</channel>
</rss>
`;
}

/** n WordPress-like items, newest first, with ?p= guids. */
export function newsItems(n: number, opts: { start?: number; host?: string; baseTime?: number } = {}): TestItem[] {
  const start = opts.start ?? 1;
  const host = opts.host ?? "https://news.example.org";
  const base = opts.baseTime ?? Date.UTC(2026, 10, 20, 8, 0, 0);
  return Array.from({ length: n }, (_, k) => {
    const id = start + n - 1 - k;
    return {
      guid: `${host}/?p=${id}`,
      title: `Story ${id}: council&#8217;s plan & the river <update>`,
      link: `${host}/2026/11/story-${id}/`,
      description: `<p>Summary of story ${id}. It has &#8220;quotes&#8221; and more.</p>`,
      pubDate: new Date(base + id * 60_000),
      creator: "Desk",
      categories: ["Local news"],
    };
  });
}
