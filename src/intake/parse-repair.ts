/**
 * Malformed XML made well-formed, for the second and last parse after the first one failed:
 * stray `&` and `<` escaped, HTML void tags (`<br>`) closed, close tags that close nothing
 * dropped, elements left open closed, and a document cut off mid-entry ended before that entry
 * (half an entry must not be posted). Runs only on the failure path. Pure.
 */
import { decodeHTML } from "entities";

export interface Repaired {
  text: string;
  /** What was changed, for the warning ("escaped 2 stray '&'", …). */
  fixes: string[];
}

const COMMENT_LIKE = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Za-z][^>]*>/y;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>/y;
const ATTR = /([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
/** HTML elements that never have content; unescaped HTML in a description uses them unclosed. */
const VOID = new Set(["br", "hr", "img", "input", "wbr", "area", "col", "embed", "param", "track"]);
const ENTRY = new Set(["item", "entry"]);

export function repairXml(text: string): Repaired {
  const out: string[] = [];
  const emit = (piece: string): void => void out.push(piece);
  const stack: Array<{ name: string; piece: number }> = [];
  const count = { amp: 0, lt: 0, closed: 0, stray: 0, void: 0 };
  let truncated = false;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const end = lt === -1 ? text.length : lt;
    if (end > i) emit(escapeAmpersands(text.slice(i, end), count));
    if (lt === -1) break;
    i = lt;
    COMMENT_LIKE.lastIndex = i;
    const verbatim = COMMENT_LIKE.exec(text);
    if (verbatim) {
      emit(verbatim[0]);
      i += verbatim[0].length;
      continue;
    }
    TAG.lastIndex = i;
    const tag = TAG.exec(text);
    if (!tag) {
      if (isCutOff(text, i)) {
        truncated = true;
        break;
      }
      emit("&lt;");
      count.lt++;
      i++;
      continue;
    }
    i += tag[0].length;
    const [, slash, name = "", attrs = "", selfClosing] = tag;
    if (slash) {
      const open = findOpen(stack, name);
      if (open === -1) {
        count.stray++;
        continue;
      }
      while (stack.length > open + 1) {
        emit(`</${stack.pop()?.name}>`);
        count.closed++;
      }
      stack.pop();
      emit(`</${name}>`);
      continue;
    }
    const isVoid = !selfClosing && VOID.has(name.toLowerCase());
    if (isVoid) count.void++;
    const piece = `<${name}${cleanAttributes(attrs, count)}${selfClosing || isVoid ? "/" : ""}>`;
    if (!selfClosing && !isVoid) stack.push({ name, piece: out.length });
    emit(piece);
  }
  const fixes: string[] = [];
  if (stack.length) {
    truncated = true;
    // An entry still open when the text ran out is incomplete: end the document before it.
    const entry = stack.findIndex((open) => ENTRY.has(localName(open.name)));
    if (entry !== -1) {
      const cut = stack[entry];
      if (cut) out.length = cut.piece;
      stack.length = entry;
      fixes.push("left out the last entry, which was cut off");
    }
    for (let k = stack.length - 1; k >= 0; k--) out.push(`</${stack[k]?.name}>`);
  }
  if (truncated) fixes.unshift("the document ends early: closed the elements left open");
  if (count.amp) fixes.push(`escaped ${count.amp} stray '&'`);
  if (count.lt) fixes.push(`escaped ${count.lt} stray '<'`);
  if (count.void) fixes.push(`closed ${count.void} HTML tags such as <br>`);
  if (count.closed) fixes.push(`closed ${count.closed} elements that were not closed`);
  if (count.stray) fixes.push(`dropped ${count.stray} close tags that closed nothing`);
  return { text: out.join(""), fixes };
}

/** The text ends inside this construct (`</rss`, `<![CDATA[…`, `<!-- …`): the document was cut off. */
function isCutOff(text: string, at: number): boolean {
  const rest = text.slice(at, at + 10);
  if (rest.startsWith("<!--")) return !text.includes("-->", at);
  if (rest.startsWith("<![")) return !text.includes("]]>", at);
  return !text.includes(">", at) && /^<\/?[A-Za-z_!?]/.test(rest);
}

function findOpen(stack: ReadonlyArray<{ name: string }>, name: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]?.name === name) return k;
  return -1;
}

function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/** `&` that does not start a character reference, or starts one no parser knows, becomes `&amp;`. */
function escapeAmpersands(text: string, count: { amp: number }): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#\d+;|#x[0-9a-fA-F]+;|([A-Za-z_][\w.-]*);)?/g, (ref, body: string | undefined, name: string | undefined) => {
    if (body && (!name || isKnownEntity(name))) return ref;
    count.amp++;
    return `&amp;${body ?? ""}`;
  });
}

function isKnownEntity(name: string): boolean {
  return /^(?:amp|lt|gt|quot|apos)$/.test(name) || decodeHTML(`&${name};`) !== `&${name};`;
}

/** Attributes re-quoted (`a=1` → `a="1"`, bare `checked` → `checked="checked"`), with `&` and `<` escaped. */
function cleanAttributes(source: string, count: { amp: number }): string {
  if (!source) return "";
  let out = "";
  for (const m of source.matchAll(ATTR)) {
    const name = m[1] ?? "";
    const value = m[2] ?? m[3] ?? m[4] ?? name;
    out += ` ${name}="${escapeAmpersands(value, count).replace(/</g, "&lt;").replace(/"/g, "&quot;")}"`;
  }
  return out;
}

/**
 * rss-parser turns an Atom <published>/<updated> into a Date and throws a RangeError on one it
 * cannot read, losing the whole feed; emptied, the entry keeps its other fields.
 */
export function repairAtomDates(text: string): Repaired {
  let count = 0;
  const out = text.replace(/<(published|updated)(\s[^>]*)?>([^<]*)<\/\1>/g, (element, name: string, attrs: string | undefined, value: string) => {
    if (!value || !Number.isNaN(new Date(value).getTime())) return element;
    count++;
    return `<${name}${attrs ?? ""}></${name}>`;
  });
  return { text: out, fixes: count ? [`ignored ${count} dates that could not be read`] : [] };
}

/** Atom wants <link href="…"/>; rss-parser throws a TypeError on <link>…</link> in an Atom feed. */
export function repairAtomLinks(text: string): Repaired {
  let count = 0;
  const out = text.replace(/<link>\s*([^<]*?)\s*<\/link>/g, (_element, href: string) => {
    count++;
    return `<link href="${href.replace(/"/g, "&quot;")}"/>`;
  });
  return { text: out, fixes: count ? [`read ${count} <link> elements written RSS-style`] : [] };
}

/** Elements whose text is HTML (RSS) or may be (Atom text constructs and content). */
const TEXT_ELEMENT =
  /<(description|content:encoded|title|subtitle|summary|content|atom:title|atom:summary|atom:content)(\s[^>]*)?(?<!\/)>([\s\S]*?)<\/\1\s*>/g;
const NOUNS: Record<string, [string, string]> = {
  description: ["description", "descriptions"],
  title: ["title", "titles"],
  summary: ["summary", "summaries"],
  content: ["content element", "content elements"],
};

/**
 * RSS <description> or <content:encoded>, an Atom (or RSS) title, summary or content of type html
 * or text holding unescaped HTML: xml2js splits it into objects and loses the order of text and
 * tags ("Read <a>this</a> now" reads "Read  now this", and rss-parser keeps only "Read  now").
 * Escaped, the element holds the same HTML as a string. Atom content of an XML type is left as it is.
 */
export function escapeNakedMarkup(text: string): Repaired {
  const counts = new Map<string, number>();
  const out = text.replace(TEXT_ELEMENT, (element, name: string, attrs: string | undefined, inner: string) => {
    if (!/<[A-Za-z/]/.test(inner) || inner.includes("<![CDATA[")) return element;
    const type = /\stype\s*=\s*(["'])([^"']*)\1/.exec(attrs ?? "")?.[2];
    if (type && /(?:\+|\/)xml\s*$/i.test(type.trim())) return element;
    const local = name.slice(name.indexOf(":") + 1);
    const noun = local === "encoded" || local === "description" ? "description" : local === "subtitle" ? "title" : local;
    counts.set(noun, (counts.get(noun) ?? 0) + 1);
    return `<${name}${attrs ?? ""}>${inner.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</${name}>`;
  });
  const parts = [...counts].map(([noun, count]) => `${count} ${(NOUNS[noun] ?? [noun, noun])[count === 1 ? 0 : 1]}`);
  return { text: out, fixes: parts.length ? [`read the unescaped HTML in ${parts.join(", ")} as HTML`] : [] };
}
