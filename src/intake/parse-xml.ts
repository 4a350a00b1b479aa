/**
 * Feed text made ready for rss-parser, before the one parse: find the root element, drop the
 * DOCTYPE (expanding the entities it declares), flatten Atom XHTML constructs, give a channel-less
 * <rss> a channel. Each step only looks at the prolog or runs when a cheap search finds its case,
 * so a well-formed feed costs a few string searches. Pure.
 */
import { ParseError } from "./parse-types.js";

export type XmlFormat = "rss" | "rdf" | "atom";

export interface PreparedXml {
  text: string;
  format: XmlFormat;
  /** Attributes of the root element (for xml:base on <rss>). */
  rootAttrs: Record<string, string>;
  warnings: string[];
}

const PROLOG_ITEM = /\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE\b[^[>]*(?:\[[\s\S]*?\]\s*)?>/iy;
const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR = /([^\s=>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const FEED_START = /<(?:\?xml\b|rss[\s>]|feed[\s>]|rdf:RDF[\s>])/;
/** Entity expansion may add at most this many characters (a DOCTYPE is no way to grow a feed). */
const MAX_ENTITY_GROWTH = 1_000_000;

/** @throws ParseError when there is no root element or it is not rss, rdf:RDF or feed. */
export function prepareXml(input: string): PreparedXml {
  const warnings: string[] = [];
  let text = input;
  let { rootAt, doctype } = scanProlog(text);
  if (rootAt < 0) {
    // Text before the XML (a PHP warning, a stray banner) hides a feed that is otherwise fine.
    const start = text.slice(0, 65_536).search(FEED_START);
    const junk = text.slice(0, Math.max(start, 0)).trim();
    if (start <= 0 || !junk) throw notAFeed(`it does not start with XML ("${preview(text)}")`);
    warnings.push(`ignored ${junk.length} characters of text before the XML ("${preview(junk)}")`);
    text = text.slice(start);
    ({ rootAt, doctype } = scanProlog(text));
    if (rootAt < 0) throw notAFeed(`it does not start with XML ("${preview(input)}")`);
  }
  START_TAG.lastIndex = rootAt;
  const root = START_TAG.exec(text);
  if (!root) throw new ParseError(`malformed XML at line ${lineOf(text, rootAt)}: the root element's start tag is broken`);
  const name = root[1] ?? "";
  const [prefix, local] = name.includes(":") ? (name.split(":", 2) as [string, string]) : [null, name];
  const format: XmlFormat | null = local === "rss" ? "rss" : local === "feed" ? "atom" : name === "rdf:RDF" ? "rdf" : null;
  if (!format) throw notAFeed(`the root element is <${name}>${/^(?:html|head|body)$/i.test(name) ? ", a web page: check the feed URL" : ""}`);
  const rootAttrs = attributesOf(root[2] ?? "");

  const channel = new RegExp(`<${prefix && format === "rss" ? `${escapeRegExp(prefix)}:` : ""}channel[\\s>/]`);
  if (format !== "atom" && !channel.test(text)) text = addChannel(text, rootAt, root[0], name, format);
  if (doctype) {
    const expanded = dropDoctype(text, doctype, name);
    text = expanded.text;
    warnings.push(...expanded.warnings);
  }
  // <r:rss xmlns:r="…rss2"> or <atom:feed>: rss-parser knows only the unprefixed names.
  if (prefix && format !== "rdf") text = text.replace(new RegExp(`<(/?)${escapeRegExp(prefix)}:`, "g"), "<$1");
  if (text.includes("xhtml")) text = flattenXhtml(text);
  return { text, format, rootAttrs, warnings };
}

/** Where the root element starts (-1: none, or text that is not markup), and the DOCTYPE if any. */
function scanProlog(text: string): { rootAt: number; doctype: { start: number; end: number } | null } {
  let at = 0;
  let doctype: { start: number; end: number } | null = null;
  while (at < text.length) {
    PROLOG_ITEM.lastIndex = at;
    const item = PROLOG_ITEM.exec(text);
    if (!item) break;
    if (/^<!DOCTYPE/i.test(item[0])) doctype = { start: at, end: at + item[0].length };
    at += item[0].length;
  }
  if (at >= text.length) {
    throw new ParseError(text.trim() ? "the feed is empty (no root element, only comments or declarations)" : "the feed is empty");
  }
  return { rootAt: text[at] === "<" && /[A-Za-z_]/.test(text[at + 1] ?? "") ? at : -1, doctype };
}

function notAFeed(why: string): ParseError {
  return new ParseError(`not an RSS, RDF, Atom or JSON feed: ${why}`);
}

function preview(text: string): string {
  return text.trim().slice(0, 40).replace(/\s+/g, " ");
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function attributesOf(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) if (m[1]) out[m[1]] = m[2] ?? m[3] ?? "";
  return out;
}

/**
 * The DOCTYPE goes (the XML parser has no use for it and some trip it up); general entities
 * declared in its internal subset are expanded in the text first, once, with a size cap.
 */
function dropDoctype(text: string, doctype: { start: number; end: number }, rootName: string): { text: string; warnings: string[] } {
  const declaration = text.slice(doctype.start, doctype.end);
  const warnings: string[] = [];
  const declaredRoot = /^<!DOCTYPE\s+([^\s[>]+)/i.exec(declaration)?.[1];
  if (declaredRoot && declaredRoot !== rootName) warnings.push(`ignored a DOCTYPE for <${declaredRoot}> on an <${rootName}> document`);
  // Its newlines stay, so that line numbers in later error messages still match the feed.
  let rest = text.slice(0, doctype.start) + "\n".repeat(declaration.split("\n").length - 1) + text.slice(doctype.end);
  const entities = new Map<string, string>();
  for (const m of declaration.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
    const name = m[1] ?? "";
    if (!/^(?:amp|lt|gt|quot|apos)$/.test(name) && !entities.has(name)) entities.set(name, m[2] ?? m[3] ?? "");
  }
  if (entities.size) {
    const pattern = new RegExp(`&(${[...entities.keys()].map(escapeRegExp).join("|")});`, "g");
    let growth = 0;
    const expanded = rest.replace(pattern, (ref, name: string) => {
      const value = entities.get(name) ?? ref;
      growth += value.length - ref.length;
      return value;
    });
    if (growth <= MAX_ENTITY_GROWTH) rest = expanded;
    else warnings.push(`did not expand the DOCTYPE's entities: they would add ${growth} characters`);
  }
  return { text: rest, warnings };
}

/** <rss> without <channel>: wrap its content so items directly under <rss> are still read. */
function addChannel(text: string, rootAt: number, startTag: string, rootName: string, format: "rss" | "rdf"): string {
  const afterRoot = rootAt + startTag.length;
  if (startTag.endsWith("/>")) return `${text.slice(0, rootAt)}${startTag.slice(0, -2)}><channel/></${rootName}>${text.slice(afterRoot)}`;
  if (format === "rdf") return `${text.slice(0, afterRoot)}<channel/>${text.slice(afterRoot)}`;
  const close = text.lastIndexOf(`</${rootName}`);
  if (close < afterRoot) return `${text.slice(0, afterRoot)}<channel>${text.slice(afterRoot)}`;
  return `${text.slice(0, afterRoot)}<channel>${text.slice(afterRoot, close)}</channel>${text.slice(close)}`;
}

const XHTML_CONSTRUCT =
  /<((?:[\w.-]+:)?(title|subtitle|summary|content))(\s[^>]*?)\btype\s*=\s*(["'])(?:xhtml|application\/xhtml\+xml)\4([^>]*)>([\s\S]*?)<\/\1\s*>/g;

/**
 * Atom type="xhtml" text constructs carry markup that xml2js turns into objects, losing the order
 * of text and tags (and rss-parser cannot read such a title). Titles become their plain text,
 * summaries and content the same markup escaped as type="html".
 */
function flattenXhtml(text: string): string {
  return text.replace(XHTML_CONSTRUCT, (_all, tag: string, kind: string, before: string, _q: string, after: string, inner: string) => {
    const attrs = `${before}${after}`.replace(/\s+mode\s*=\s*(["'])[^"']*\1/, "").replace(/\s+$/, "");
    const body = inner.replace(/^\s*<(?:[\w.-]+:)?div\b[^>]*>([\s\S]*)<\/(?:[\w.-]+:)?div>\s*$/, "$1");
    if (kind === "title" || kind === "subtitle") return `<${tag}${attrs} type="text">${body.replace(/<[^>]*>/g, "")}</${tag}>`;
    return `<${tag}${attrs} type="html">${body.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</${tag}>`;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
