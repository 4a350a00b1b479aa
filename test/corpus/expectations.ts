/**
 * What parseFeed must make of each file of the feed corpus (../shared/corpus), written by hand:
 * from derived/manifest.tsv, from each fp__ file's own "Expect:" header, and from reading the
 * feeds themselves (never from the parser's output). Dates are the feed's own date in UTC.
 *
 * Where this project deliberately differs from feedparser's Expect, `why` says so.
 */

export interface ExpectedItem {
  title: string;
  link: string | null;
  date: string | null;
  /** true: some summary text; false: none; a string: exactly this. */
  summary: boolean | string;
  guid?: string | null;
  /** The article's picture as the feed gives it (enclosure, largest media:content, first meaningful <img>), or null. */
  image?: string | null;
}

export interface Expectation {
  /** Path under the corpus folder. */
  file: string;
  /** Where the expectation comes from. */
  why: string;
  /** The URL the feed is read from; null (the default) as for a local file. */
  feedUrl?: string | null;
  contentType?: string;
  /** parseFeed must throw a ParseError whose message matches. */
  error?: RegExp;
  /** Exact number of items (also the minimum). */
  count?: number;
  minItems?: number;
  first?: ExpectedItem;
  /** The items after the first, in order (only where the file is about them). */
  rest?: ExpectedItem[];
  feedTitle?: string;
  channelLink?: string | null;
  encoding?: string;
  /** Some warning must match. */
  warning?: RegExp;
  noWarnings?: boolean;
  /** No item's summary may match (scripts, boilerplate). */
  summaryLacks?: RegExp;
  /** Every item's guid must match. */
  guids?: RegExp;
  /** Parsing must take less than this on the quiet reference machine, scaled (pathological input). */
  maxMs?: number;
  /** A known gap: the check is expected to fail until it is closed (vitest `it.fails`). */
  gap?: string;
}

const T = "2024-06-30T12:00:00.000Z";
const encItem = (title: string): ExpectedItem => ({ title, link: "https://example.org/p/1", date: T, summary: false, guid: "https://example.org/?p=1" });
const enc = (file: string, title: string, encoding: string, extra: Partial<Expectation> = {}): Expectation => ({
  file: `derived/${file}`,
  why: "derived/manifest.tsv expected_title; link, guid and date read from the file",
  count: 1,
  feedTitle: title,
  channelLink: "https://example.org/",
  encoding,
  first: encItem(title),
  noWarnings: true,
  ...extra,
});
const none = { title: "", link: null, date: null, summary: false } as const;

export const EXPECTATIONS: Expectation[] = [
  // ---- derived: hand-made edge cases with known answers ----
  enc("enc-utf8-bom.xml", "Ñandú “quoted” – 年 ✓", "utf-8"),
  enc("enc-utf8-nodecl.xml", "Ñandú “quoted” – 年 ✓", "utf-8"),
  enc("enc-utf16le-bom.xml", "Ñandú “quoted” – 年 ✓", "utf-16le"),
  enc("enc-utf16be-nobom.xml", "Ñandú “quoted” – 年 ✓", "utf-16be"),
  enc("enc-utf32le-bom.xml", "Ñandú “quoted” – 年 ✓", "utf-32le"),
  enc("enc-iso-8859-1-decl.xml", "Ñandú año señal", "windows-1252"),
  enc("enc-windows-1252-decl.xml", "Ñandú “quoted” – don’t", "windows-1252"),
  enc("enc-latin1-undeclared.xml", "Ñandú año señal", "windows-1252", { noWarnings: false, warning: /not valid UTF-8; read as windows-1252/ }),
  enc("enc-big5-decl.xml", "中文新聞", "big5"),
  enc("enc-euc-kr-decl.xml", "한국어 뉴스", "euc-kr"),
  enc("enc-shift_jis-decl.xml", "日本語ニュース", "shift_jis"),
  enc("enc-koi8-r-decl.xml", "Новости дня", "koi8-r"),
  {
    file: "derived/wp-escaped-html-in-content.xml",
    why: "manifest: title decoded once; content:encoded is HTML source whose text shows <div> and <script> literally",
    count: 1,
    first: {
      title: "Use the <div> element – AT&T’s guide",
      link: "https://example.org/2024/06/30/div/",
      date: T,
      guid: "https://example.org/?p=42",
      summary: "Use the <div> element & never <script>alert(1)</script>. <?php echo 1; ?>",
    },
  },
  {
    file: "derived/ids-links-dates.xml",
    why: "manifest: missing guid / permalink guid as link / relative link / localized weekday / nothing; dates read from the file",
    count: 5,
    channelLink: "https://example.org/",
    first: { title: "no guid", link: "https://example.org/a/", date: T, summary: false, guid: null },
    rest: [
      { title: "no link, permalink guid", link: "https://example.org/b/", date: "2024-06-30T11:00:00.000Z", summary: false, guid: "https://example.org/b/" },
      { title: "relative link", link: "https://example.org/c/", date: "2024-06-30T08:00:00.000Z", summary: false, guid: "c-1" },
      // "Dom" is Sunday in Portuguese: the weekday is redundant, the date is 30 Jun 2024 09:00 -0300.
      { title: "localized date", link: "https://example.org/d/", date: T, summary: false, guid: "d-1" },
      { title: "no date, no id, no link", link: null, date: null, summary: "only text", guid: null },
    ],
    noWarnings: true,
  },

  // ---- synthetic ----
  {
    file: "synthetic/wp-50.xml",
    why: "README: WordPress RSS2 template, 50 items, ?p= guids; first item read from the file",
    count: 50,
    feedTitle: "Example Gazette",
    channelLink: "https://example.org/",
    first: {
      title: "elit tempor et newsroom ipsum tempor council’s council dolore & more",
      link: "https://example.org/2024/06/01/post-100000/",
      date: T,
      guid: "https://example.org/?p=100000",
      summary: true,
    },
    guids: /^https:\/\/example\.org\/\?p=\d+$/,
    summaryLacks: /appeared first on|\[…\]|&#8230;/,
    noWarnings: true,
  },

  // ---- real: feedparser tests and examples (Expect: headers) ----
  { file: "real/fp__encoding-big5.xml", why: "Expect: not bozo and encoding == 'big5'", count: 0, encoding: "big5", noWarnings: true },
  { file: "real/fp__encoding-bozo_bogus_encoding.xml", why: "Expect: bozo (unknown encoding name)", count: 0, encoding: "utf-8", warning: /unknown encoding "bogus"/ },
  {
    file: "real/fp__encoding-bozo_invalid-bytes-with-bom.xml",
    why: "Expect: bozo. The document is cut off at '</rss' and has no item: nothing to post is an error (the bytes themselves, Ѩ then España, are unit-tested)",
    error: /^malformed XML at line 11: unclosed root tag.*; no complete entry could be recovered$/,
  },
  {
    file: "real/fp__encoding-bozo_linenoise.xml",
    why: "Expect: bozo. Bytes E2 80 99 < > E2 80 9D A9: ’ and ” are valid UTF-8, A9 alone is © in windows-1252 (feedparser reads all as windows-1252; we keep the valid UTF-8)",
    count: 1,
    first: { ...none, summary: "’<>”©" },
    warning: /not valid UTF-8/,
  },
  {
    file: "real/fp__encoding-demoronize-1.xml",
    why: "Expect: not bozo and entries[0]['description'] == 'don\\u2019t' (U+0092 is windows-1252's ’)",
    count: 1,
    first: { ...none, summary: "don’t" },
    noWarnings: true,
  },
  {
    file: "real/fp__encoding-double-encoded-html.xml",
    why: "Expect: not bozo and ord(entries[0]['description']) == 8230 (&#226;&#128;&#166; is … encoded twice)",
    count: 1,
    first: { ...none, summary: "…" },
    noWarnings: true,
  },
  { file: "real/fp__encoding-euc-kr.xml", why: "Expect: not bozo and feed['title'] == '\\ub144'", count: 0, feedTitle: "년", encoding: "euc-kr", noWarnings: true },
  {
    file: "real/fp__encoding-no_content_type_encoding.xml",
    why: "Expect: encoding == 'iso-8859-1'; read as windows-1252, its WHATWG superset",
    count: 0,
    encoding: "windows-1252",
    noWarnings: true,
  },
  { file: "real/fp__encoding-utf-16be.xml", why: "Expect: not bozo and encoding == 'utf-16be'", count: 0, encoding: "utf-16be", noWarnings: true },
  { file: "real/fp__encoding-utf-16le-bom.xml", why: "Expect: not bozo and encoding == 'utf-16le'", count: 0, encoding: "utf-16le", noWarnings: true },
  { file: "real/fp__encoding-utf-32le-bom.xml", why: "Expect: not bozo and encoding == 'utf-32le'", count: 0, encoding: "utf-32le", noWarnings: true },
  { file: "real/fp__encoding-utf-8-bom.xml", why: "Expect: not bozo and encoding == 'utf-8'", count: 0, encoding: "utf-8", noWarnings: true },
  {
    file: "real/fp__entities-8217.xml",
    why: "Expect: feed['title'] == 'testing \\u2019 entity'; but the file ends with '</rss' (no '>') and has no item: an error",
    error: /^malformed XML at line 9: unclosed root tag \(near "<\/rss"\); no complete entry could be recovered$/,
  },
  {
    file: "real/fp__entities-attr_amp.xml",
    why: 'Expect: feed.link == "http://domain/?a=1&b=2"; but the file ends with \'</feed\' and has no entry: an error',
    error: /^malformed XML at line \d+: unclosed root tag.*no complete entry could be recovered$/,
  },
  { file: "real/fp__entities-hellip.xml", why: "Expect: feed['title'] == 'testing \\u2026 entity'", count: 0, feedTitle: "testing … entity", noWarnings: true },
  {
    file: "real/fp__entities-nbsp.xml",
    why: "Expect: feed['title'] == 'testing \\xa0 entity'; titles fold whitespace, NBSP included",
    count: 0,
    feedTitle: "testing entity",
    noWarnings: true,
  },
  {
    file: "real/fp__examples-atom10.xml",
    why: "feedparser docs example: xml:base http://example.org/ resolves the links",
    count: 1,
    feedTitle: "Sample Feed",
    channelLink: "http://example.org/",
    first: {
      title: "First entry title",
      link: "http://example.org/entry/3",
      date: "2005-11-09T00:23:47.000Z",
      summary: "Watch out for nasty tricks",
      guid: "tag:feedparser.org,2005-11-09:/docs/examples/atom10.xml:3",
    },
    noWarnings: true,
  },
  {
    file: "real/fp__examples-rss10.rdf",
    why: "feedparser docs example (RSS 1.0): rdf:about is the id; dc:date -06:00",
    count: 1,
    feedTitle: "Sample Feed",
    channelLink: "http://www.example.org/",
    first: {
      title: "First of all",
      link: "http://example.org/archives/2002/09/04.html#first_of_all",
      date: "2004-05-30T20:23:54.000Z",
      summary: "Americans are fat. Smokers are stupid. People who don't speak Perl are irrelevant.",
      guid: "http://www.example.org/1",
    },
    noWarnings: true,
  },
  {
    file: "real/fp__examples-rss20.xml",
    why: "feedparser docs example (RSS 2.0); the description's javascript: style is dropped with the markup",
    count: 1,
    feedTitle: "Sample Feed",
    channelLink: "http://example.org/",
    first: {
      title: "First item title",
      link: "http://example.org/item/1",
      date: "2002-09-05T00:00:01.000Z",
      summary: "Watch out for nasty tricks",
      guid: "http://example.org/guid/1",
    },
    noWarnings: true,
  },
  { file: "real/fp__illformed-aaa_illformed.xml", why: "Expect: bozo (ends with '</rss', no item)", error: /^malformed XML at line 6: unclosed root tag.*no complete entry could be recovered$/ },
  {
    file: "real/fp__illformed-always_strip_doctype.xml",
    why: "Expect: feed['title'] == 'found' (an XHTML DOCTYPE on an RSS document is ignored)",
    count: 0,
    feedTitle: "found",
    warning: /DOCTYPE for <html>/,
  },
  {
    file: "real/fp__illformed-chardet-koi8r.xml",
    why: "Expect: encoding == 'KOI8-R' (found by chardet); title read from the bytes as KOI8-R",
    count: 1,
    first: { title: "Как пережить новогоднюю ночь", link: null, date: null, summary: true },
    encoding: "koi8-r",
    warning: /no encoding is declared and the bytes are not UTF-8; read as KOI8-R \(detected/,
  },
  {
    file: "real/fp__illformed-chardet-shiftjis.xml",
    why: "Expect: encoding == 'SHIFT_JIS' (found by chardet); title read from the bytes as Shift_JIS",
    count: 1,
    first: { title: "DrecomRSSに記事投稿が反映されない…", link: null, date: null, summary: true },
    encoding: "shift_jis",
    warning: /read as Shift_JIS \(detected, 100 % confidence\)/,
  },
  { file: "real/fp__illformed-http_high_bit_date.xml", why: "Expect: 1 (a Greek channel date must not crash)", count: 0, encoding: "iso-8859-7", noWarnings: true },
  { file: "real/fp__illformed-rss_empty_document.xml", why: "Expect: bozo (only a comment)", error: /^the feed is empty/ },
  {
    file: "real/fp__illformed-rss_incomplete_cdata.xml",
    why: "Expect: bozo; the document stops inside the first item's title: half an item is not posted, and nothing else is left",
    error: /^malformed XML at line 14: unclosed root tag; no complete entry could be recovered$/,
  },
  {
    file: "real/fp__illformed-rss_item_link_corrupted_ampersands.xml",
    why: "Expect: entries[0].link == 'http://link/get?a=1&b=2'; the file ends with '</rss'",
    count: 1,
    first: { ...none, link: "http://link/get?a=1&b=2" },
    warning: /unclosed root tag/,
  },
  { file: "real/fp__illformed-undeclared_namespace.xml", why: "Expect: bozo; nothing to read but a channel", count: 0 },
  {
    file: "real/fp__wellformed-atom10-relative_uri_inherit.xml",
    why: "Expect: title_detail value 'Example <a href=…>test</a>': an XHTML title as plain text",
    count: 0,
    feedTitle: "Example test",
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-base-http_item_link_base_docuri.xml",
    why: "Expect: entries[0]['link'] == 'http://127.0.0.1:8097/relative/uri' (the document's URL is the base)",
    feedUrl: "http://127.0.0.1:8097/tests/wellformed/base/http_item_link_base_docuri.xml",
    count: 1,
    first: { ...none, link: "http://127.0.0.1:8097/relative/uri" },
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-base-relative_xml_base.xml",
    why: "Expect: not bozo (Atom 0.3, XHTML title under a relative xml:base)",
    count: 1,
    first: { ...none, title: "Example test" },
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-namespace-rss2.0NSwithModulesNoDefNSLocalNameClash.xml",
    why: "Expect: entries[0]['description'] == 'correct description' (RSS in a prefixed namespace; dcterms dates)",
    count: 1,
    feedTitle: "RSS Tests - RSS2.0 w/ NS, no default NS, localName clash",
    first: {
      title: "Test Item - RSS2.0 w/ NS, no default NS, localName clash",
      link: "http://www.pocketsoap.com/weblog/rssTests/rss2.0NSwithModulesNoDefNSLocalNameClash.xml#1",
      date: "2002-09-28T20:01:19.000Z",
      summary: "correct description",
    },
    noWarnings: true,
  },
  { file: "real/fp__wellformed-rdf-doctype_contains_entity_decl.xml", why: "Expect: not bozo (RDF with a DOCTYPE, no items)", count: 0, noWarnings: true },
  {
    file: "real/fp__wellformed-rdf-rdf_item_rdf_about.xml",
    why: "Expect: entries[0]['id'] == 'http://example.org/1'; RSS 1.0 makes rdf:about the item's URI, so it is the link too",
    count: 1,
    first: { ...none, link: "http://example.org/1", guid: "http://example.org/1" },
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-rdf-rss090_item_title.xml",
    why: "Expect: entries[0]['title'] == 'Item title' (RSS 0.90)",
    count: 1,
    feedTitle: "Example title",
    first: { ...none, title: "Item title" },
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-rss-entity_in_doctype.xml",
    why: "Expect: guid == 'tag:example.com,2006-05-04:/blog/' via a DOCTYPE entity; the item has nothing else, so it is left out (not an article); the expansion is unit-tested",
    count: 0,
    warning: /left out 1 entry with no title, link, text or image/,
  },
  {
    file: "real/fp__wellformed-rss-item_description_naked_markup.xml",
    why: "Expect: description == '<p>Example description</p>' (unescaped markup)",
    count: 1,
    first: { ...none, summary: "Example description" },
    warning: /read the unescaped HTML in 1 description as HTML/,
  },
  {
    file: "real/fp__wellformed-rss-item_guid_isPermaLink_map_link.xml",
    why: "Expect: entries[0]['link'] == 'http://guid.example.com/' (isPermaLink=\"true\")",
    count: 1,
    first: { ...none, link: "http://guid.example.com/", guid: "http://guid.example.com/" },
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-rss-item_guid_not_permalink.xml",
    why: "Expect: no link from an isPermaLink=\"false\" guid; with no link the item has nothing to post and is left out (unit-tested with a title)",
    count: 0,
    warning: /left out 1 entry/,
  },
  { file: "real/fp__wellformed-rss-rss_version_091_netscape.xml", why: "Expect: not bozo (RSS 0.91 with the Netscape DOCTYPE)", count: 0, noWarnings: true },
  {
    file: "real/fp__wellformed-sanitize-item_content_encoded_crazy.xml",
    why: "Expect: the HTML without its scripts; as plain text, the visible text only",
    count: 1,
    first: { ...none, summary: true },
    summaryLacks: /alert|executeMe|am_i_javascript|<script|onmouseover/,
    noWarnings: true,
  },
  {
    file: "real/fp__wellformed-sanitize-large_atom_feed_that_needs_css_sanitisation.xml",
    why: "manifest: 157 KB Atom with pathological inline CSS; first entry read from the file",
    count: 15,
    feedTitle: "Все для Nokia 5800 XM Nokia N97 Samsung i8910 Omnia HD : Программы, игры, темы, свежие новости и советы",
    channelLink: "http://touchnokia.ru/",
    first: {
      title: "Невидимая броня для Вашего Nokia 5800",
      link: "http://touchnokia.ru/2009/09/nevidimaja-bronja-dlja-vashego-nokia-5800.html",
      date: "2009-09-09T14:19:45.000Z",
      summary: true,
      guid: "tag:touchnokia.ru,2009://1.666",
    },
    maxMs: 2000,
    noWarnings: true,
  },

  // ---- real: rss-parser's test inputs (read from the files) ----
  {
    file: "real/rp__atom-customfields.atom",
    why: "YouTube Atom: summary from media:group/media:description",
    count: 15,
    feedTitle: "L2inc",
    first: {
      title: "Buy Now, Bitches*",
      link: "https://www.youtube.com/watch?v=lR-w1h5ONOY",
      date: "2017-09-14T18:03:34.000Z",
      summary: true,
      guid: "yt:video:lR-w1h5ONOY",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__content-encoded.rss",
    why: "Medium RSS; CDATA title; isPermaLink=false guid",
    count: 7,
    first: { image: "https://cdn-images-1.medium.com/max/938/1*C_nVpehD-NKBgtVEULabmQ.jpeg",
      title: "THE CREATIVE FORAGER",
      link: "https://medium.com/invironment/the-creative-forager-125af37d838f?source=rss----d12c403d4976--food",
      date: "2018-04-09T18:55:38.000Z",
      summary: true,
      guid: "https://medium.com/p/125af37d838f",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__craigslist.rss",
    why: "RDF: rdf:about as id; title CDATA with &#x0024; and <sup>; dc:date -07:00",
    count: 25,
    feedTitle: "craigslist SF bay area | apts/housing for rent search",
    channelLink: "https://sfbay.craigslist.org/search/apa",
    first: {
      title: "Bright, Spacious Beautiful Victorian (oakland north / temescal) $4300 3bd 1930ft2",
      link: "http://sfbay.craigslist.org/eby/apa/6186664607.html",
      date: "2017-06-21T17:33:10.000Z",
      summary: true,
      guid: "http://sfbay.craigslist.org/eby/apa/6186664607.html",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__customfields.rss",
    why: "pubDate +0530",
    count: 15,
    first: { image: "http://www.varthabharati.in/sites/default/files/styles/large/public/images/articles/2017/05/19/isuzu.gif?itok=AXklH9Sp",
      title: "ISUZU launches the ‘mu-X’ premium full-size 7 seater SUV in Bengaluru",
      link: "http://www.varthabharati.in/article/english/74450",
      date: "2017-05-19T15:35:02.000Z",
      summary: true,
      guid: "http://www.varthabharati.in/article/english/74450",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__encoding.rss",
    why: "ISO-8859-1 declared; FeedBurner: feedburner:origLink is the article, <link> a tracking redirect",
    count: 40,
    feedTitle: "Jornal de Notícias - Últimas Notícias",
    encoding: "windows-1252",
    first: {
      title: "Mãe de utente é a nova presidente da Raríssimas",
      link: "https://www.jn.pt/nacional/interior/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html",
      date: "2018-01-03T13:47:00.000Z",
      summary: true,
    },
    noWarnings: true,
  },
  {
    file: "real/rp__feedburner.atom",
    why: "Blogger via FeedBurner Atom: origLink; published -07:00",
    count: 25,
    feedTitle: "Google Ads Developer Blog",
    first: {
      title: "AdWords and DFP Java client library will soon require Java 7+",
      link: "http://googleadsdeveloper.blogspot.com/2016/06/adwords-and-dfp-java-client-library.html",
      date: "2016-06-03T14:38:00.000Z",
      summary: true,
      guid: "tag:blogger.com,1999:blog-7815614485808579332.post-8394866751819460570",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__giantbomb-podcast.rss",
    why: "1.6 MB podcast; pubDate in PST",
    count: 730,
    first: { image: null,
      title: "Giant Bombcast 603: Call of Tuesday",
      link: "https://www.giantbomb.com/shows/603-call-of-tuesday/2970-19653/free-podcast",
      date: "2019-10-01T22:30:00.000Z",
      summary: true,
      guid: "1600-2823",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__guardian.rss",
    why: "The Guardian RSS",
    count: 55,
    feedTitle: "The Guardian",
    first: { image: "https://i.guim.co.uk/img/media/b73c8752cd4667c923dff7f1542f1fb20089e421/0_108_3000_1799/master/3000.jpg?w=460&q=55&auto=format&usm=12&fit=max&s=a606a273a90104e57b1e09bc4c0a1e11",
      title: "Trump State of the Union address promised unity but emphasized discord",
      link: "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord",
      date: "2018-01-31T07:26:05.000Z",
      summary: true,
    },
    noWarnings: true,
  },
  {
    file: "real/rp__gulp-atom.atom",
    why: "GitHub releases Atom: relative links and no xml:base, resolved against the feed's alternate link (the site)",
    feedUrl: "https://github.com/gulpjs/gulp/releases.atom",
    count: 10,
    first: {
      title: "v3.9.0",
      link: "https://github.com/gulpjs/gulp/releases/tag/v3.9.0",
      date: "2015-06-01T21:49:41.000Z",
      summary: "3.9.0",
      guid: "tag:github.com,2008:Repository/11167738/v3.9.0",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__heise.atom",
    why: "heise Atom; published +01:00",
    count: 15,
    feedTitle: "heise developer neueste Meldungen",
    first: {
      title: "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
      link: "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom",
      date: "2016-02-01T16:22:00.000Z",
      summary: true,
      guid: "http://heise.de/-3088438",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__heraldsun.rss",
    why: "RSS 0.92: no guid, no pubDate",
    count: 2,
    feedTitle: "RSS0.92 Example",
    first: { title: "The First Item", link: "http://www.oreilly.com/example/001.html", date: null, summary: true, guid: null },
    noWarnings: true,
  },
  { file: "real/rp__incomplete-fields.atom", why: "manifest: an entry with an author only: nothing to post", count: 0, warning: /left out 1 entry/ },
  {
    file: "real/rp__instant-article.rss",
    why: "Facebook Instant Articles RSS",
    count: 1,
    first: { title: "My first Instant Article", link: "https://localhost:8000/", date: "2016-05-04T06:53:45.000Z", summary: true },
    noWarnings: true,
  },
  {
    file: "real/rp__item-itunes-episodeType.rss",
    why: "Podigee podcast",
    count: 1,
    first: { title: "Trailer", link: "https://baywatch-berlin.podigee.io/t1-trailer", date: "2019-11-18T19:14:32.000Z", summary: true, guid: "cc973b648d6fb41e4e5ef7e4b4ee7604" },
    noWarnings: true,
  },
  {
    file: "real/rp__itunes-href.rss",
    why: "title and link start with a newline; pubDate +0100",
    count: 10,
    first: {
      title: "Manager bewertet Transfers | Eberl lobt BVB für Pulisic-Deal – Hudson-Odoi kostet „fast so viel wie mein Kader“",
      link: "http://www.transfermarkt.de/eberl-lobt-bvb-fur-pulisic-deal-ndash-hudson-odoi-kostet-bdquo-fast-so-viel-wie-mein-kader-ldquo-/view/news/326649?rss",
      date: "2019-01-07T16:19:19.000Z",
      summary: true,
    },
    noWarnings: true,
  },
  {
    file: "real/rp__itunes-keywords-array.rss",
    why: "whitespace before the XML declaration",
    count: 1,
    first: {
      title: "Ostafrika stellt sich auf die nächste Heuschreckenplage ein",
      link: "https://www.swr.de/swr2/wissen/Hungersnot-Ostafrika-stellt-sich-auf-die-naechste-Heuschreckenplage-ein,ostafrika-stellt-sich-auf-naechste-heuschreckenplage-ein-100.html",
      date: "2020-03-10T15:05:00.000Z",
      summary: true,
      guid: "c88fbba9-c228-4724-bf41-8c193b72491c",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__itunes-keywords-astext.rss",
    why: "whitespace before the XML declaration; pubDate +0200",
    count: 32,
    first: {
      title: "Die mit Alice Merton und der Wespen-Taschen Psychologie",
      link: "https://www.dasding.de/podcasts/die-mit-alice-merton-und-der-wespen-taschen-psychologie-102.html",
      date: "2020-10-15T15:27:00.000Z",
      summary: true,
      guid: "3602b6b4-68e4-47a6-81b9-323cc79ed87f",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__itunes-missing-image.rss",
    why: "pubDate without weekday, in EST",
    count: 131,
    first: { title: "Taverncast 62 - Temporal Anomaly", link: "http://taverncast.com/", date: "2015-11-07T17:00:00.000Z", summary: true },
    noWarnings: true,
  },
  {
    file: "real/rp__many-links.rss",
    why: "Blogger Atom named .rss: replies/edit/self/alternate links; FeedBurner origLink",
    count: 25,
    feedTitle: "Google Testing Blog",
    channelLink: "http://testing.googleblog.com/",
    first: {
      title: "Code Health: Providing Context with Commit Messages and Bug Reports",
      link: "http://testing.googleblog.com/2017/09/code-health-providing-context-with.html",
      date: "2017-09-11T21:01:00.000Z",
      summary: true,
    },
    noWarnings: true,
  },
  { file: "real/rp__missing-fields.atom", why: "manifest: an entry with an id only: nothing to post", count: 0, warning: /left out 1 entry/ },
  {
    file: "real/rp__narro.rss",
    why: "pubDate in UTC",
    count: 1,
    first: { title: "FAQ for Narro", link: "https://www.narro.co/article/54e703933058540300000069", date: "2015-02-20T09:51:15.000Z", summary: true },
    noWarnings: true,
  },
  {
    file: "real/rp__pagination-links.rss",
    why: "pubDate +1100",
    count: 1,
    first: { title: "The First Episode", link: "https://example.test/episode?id=283843", date: "2021-01-21T07:58:00.000Z", summary: true },
    noWarnings: true,
  },
  {
    file: "real/rp__reddit-atom.rss",
    why: "Reddit RSS 2.0 with unescaped HTML in descriptions: read in document order (the file has no spaces around the links)",
    count: 24,
    first: {
      title: "The Difficulties in Space",
      link: "https://www.reddit.com/r/space/comments/42babr/the_difficulties_in_space/",
      date: "2016-01-23T15:40:37.000Z",
      summary: "submitted bybenjaab123tospace [link][959 comments]",
    },
    warning: /read the unescaped HTML in 24 descriptions as HTML/,
  },
  {
    file: "real/rp__reddit-home.rss",
    why: "Reddit Atom: XHTML content, relative xml:base, link without rel",
    count: 24,
    first: {
      title: "How the British as seen by Americans and Europeans",
      link: "https://www.reddit.com/r/funny/comments/42tizy/how_the_british_as_seen_by_americans_and_europeans/",
      date: "2016-01-26T20:31:34.000Z",
      summary: "submitted by /u/AngryRedditorsBelow to /r/funny [link] [1143 comments]",
      guid: "t3_42tizy",
    },
    noWarnings: true,
  },
  {
    file: "real/rp__reddit.rss",
    why: "Reddit RSS 2.0, escaped descriptions",
    count: 24,
    first: {
      title: "The water is too deep, so he improvises",
      link: "https://www.reddit.com/r/funny/comments/3skxqc/the_water_is_too_deep_so_he_improvises/",
      date: "2015-11-12T21:16:39.000Z",
      summary: true,
    },
    noWarnings: true,
  },
  {
    file: "real/rp__rss-1.rss",
    why: "RSS 1.0 (Science): empty CDATA descriptions; dc:date -07:00",
    count: 69,
    feedTitle: "Science twis",
    channelLink: "http://science.sciencemag.org/",
    first: {
      title: "Food for fungi",
      link: "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
      date: "2017-06-15T17:29:47.000Z",
      summary: false,
      guid: "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
    },
    noWarnings: true,
  },
  { file: "real/rp__unrecognized.rss", why: "manifest: an HTML 'Document Moved' page", error: /^not an RSS, RDF, Atom or JSON feed: the root element is <head>/ },
  {
    file: "real/rp__uolNoticias.rss",
    why: "undeclared ISO-8859-1 bytes; CDATA link; Portuguese RFC 822 date 'Seg, 24 Set 2018 19:42:40 -0300'",
    count: 15,
    feedTitle: "UOL Noticias",
    encoding: "windows-1252",
    first: {
      title: "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
      link: "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
      date: "2018-09-24T22:42:40.000Z",
      summary: true,
    },
    warning: /not valid UTF-8; read as windows-1252/,
  },
];
