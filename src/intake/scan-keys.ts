/**
 * The identity scan: a changed XML feed's item identities (guid, link as resolved, legacy link,
 * channel link) without the full parse. One pass of htmlparser2's tokenizer over the prepared text;
 * only the identity elements are collected, in the raw shapes xml2js gives rss-parser, and read by
 * the same code as the full parse (`channelOf`, `identityOf`). Anything the full parse would treat
 * differently (malformed XML it would repair, elements it would throw on, an item whose identity
 * needs its text) makes the scan give up: null, and the caller parses fully. Pure.
 */
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";
import { decodeXML } from "entities";
import { decodeFeedBytes, plainUtf8 } from "./decode.js";
import { isJsonFeed } from "./json-feed.js";
import { channelOf, identityOf, type ItemIdentity } from "./parse-item.js";
import { prepareXml, type XmlFormat } from "./parse-xml.js";
import { ParseError } from "./parse-types.js";

/** What the scan read: every item in document order, with a link (the scan gives up otherwise). */
export interface ScannedFeed {
  channelLink: string | null;
  items: ItemIdentity[];
  /** Decoding and preparation warnings, as the full parse gives them. */
  warnings: string[];
  /**
   * Where each item's element is in the bytes ([start, end) byte offsets, in item order), when the
   * scan read the bytes as they are (UTF-8, nothing for prepareXml to change): the document minus
   * the known items is then a smaller feed of the new ones (parse-new.ts).
   */
  ranges?: Array<[number, number]>;
}

type Attrs = Record<string, string>;
/** An element as xml2js would give it: text, `{ _, $ }`, `{ $ }` or "" (xml2js's emptyTag). */
type XmlValue = string | { _?: string; $?: Attrs };

interface Frame {
  name: string;
  attrs: Attrs | null;
  /** Its own text (xml2js's `_`), collected only for elements the scan reads. */
  text: string | null;
  cdata: boolean;
  role: Role;
}

type Role = "root" | "channel" | "item" | "field" | "other";

/** Item elements read for identity; published/updated are read to see whether rss-parser would throw on them. */
const ITEM_FIELDS = new Set(["guid", "link", "feedburner:origLink", "id", "published", "updated"]);
const NAME = /^[A-Za-z_][\w.:-]*$/;
const CLOSE_END = /\s*>/y;
/** The entities a strict XML parser knows; any other `&` makes sax fail and the full parse repair. */
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

class Doubt extends Error {}

/**
 * Scans feed bytes for item identities. Null when the document is JSON Feed, is not well-formed
 * XML, or anything in it could make the full parse read it differently: then parse fully.
 */
export function scanIdentities(body: Buffer, contentType: string | null, feedUrl: string | null): ScannedFeed | null {
  // UTF-8 (nearly every feed) is read as Latin-1, byte for byte: markup is ASCII either way, and
  // decoding all of a large feed would cost more than the scan. Only kept fields are decoded.
  const utf8 = plainUtf8(body, contentType);
  const decoded = utf8 ? null : decodeFeedBytes(body, contentType);
  const compacted = decoded ? null : latin1WithoutLongCdata(body, utf8?.bomLength ?? 0);
  const source = compacted ? compacted.text : (decoded?.text ?? "").replace(/^\uFEFF/, "");
  const fromBytes = utf8 ? latin1ToUtf8 : (text: string): string => text;
  if (!source.trim() || isJsonFeed(source, contentType)) return null;
  try {
    const prepared = prepareXml(source);
    // Its warnings quote the text: as the full parse gives them only when the text is decoded.
    if (utf8 && prepared.warnings.length) return null;
    const lean = elideInertElements(prepared.text);
    const doc = scanXml(lean.text, prepared.format, fromBytes);
    const rootAttrs = Object.fromEntries(Object.entries(prepared.rootAttrs).map(([name, value]) => [name, fromBytes(value)]));
    const channel = channelOf(doc.channel, prepared.format, feedUrl, rootAttrs);
    const ctx = { format: prepared.format, base: channel.base, xmlBase: channel.xmlBase, channelLink: channel.link };
    const items: ItemIdentity[] = [];
    for (const raw of doc.items) {
      const { guid, link, legacyLink } = identityOf(raw, ctx);
      // No link: whether the full parse keeps the item, and its key, depend on its text.
      if (!link) return null;
      items.push({ guid, link, legacyLink });
    }
    const warnings = [...(decoded?.warning ? [decoded.warning] : []), ...prepared.warnings];
    // Offsets in the scanned text are offsets in the bytes only when prepareXml changed nothing.
    const ranges = compacted && prepared.text === source ? doc.ranges.map(([start, end]): [number, number] => [compacted.toBytes(lean.toText(start)), compacted.toBytes(lean.toText(end))]) : null;
    return { channelLink: channel.link, items, warnings, ...(ranges ? { ranges } : {}) };
  } catch (error) {
    if (error instanceof Doubt || error instanceof ParseError) return null;
    throw error;
  }
}

/** What stands for the content of a long CDATA section: a character XML text cannot hold. */
const ELIDED = "\u0001";
/** Needles as bytes: a string needle is converted to bytes on every search (a third of its cost here). */
const BANG = Buffer.from("<!");
const CDATA_OPEN = Buffer.from("<![CDATA[");
const CDATA_CLOSE = Buffer.from("]]>");
const COMMENT_CLOSE = Buffer.from("-->");
const DOCTYPE = /^<!DOCTYPE/i;
/** CDATA longer than this (article bodies) is left out of the text the scan reads. */
const LONG_CDATA = 256;

/**
 * The bytes as Latin-1 text, with the content of long CDATA sections (a WordPress feed's bodies,
 * most of its bytes) replaced by ELIDED: making one large string costs more than the whole scan
 * of the rest. Comments are skipped as the tokenizer skips them; a DOCTYPE (whose entities may
 * hold anything) or an unclosed section keeps the whole text.
 */
function latin1WithoutLongCdata(body: Buffer, from: number): { text: string; toBytes: (at: number) => number } {
  // The kept bytes are gathered in one buffer and made one string: pieces joined would be made twice.
  const out = gatherBuffer(body.length - from);
  /** [offset in the text, offset in the bytes] where each kept stretch of bytes starts. */
  const stretches: Array<[number, number]> = [[0, from]];
  let length = 0;
  let copied = from;
  let at = from;
  for (let bang = body.indexOf(BANG, at); bang !== -1; bang = body.indexOf(BANG, at)) {
    if (body[bang + 2] === 0x2d && body[bang + 3] === 0x2d) {
      // As the tokenizer ends it: the closing dashes may be the opener's own (`<!-->`).
      const end = body.indexOf(COMMENT_CLOSE, bang + 2);
      if (end === -1) break;
      at = end + COMMENT_CLOSE.length;
    } else if (startsAt(body, CDATA_OPEN, bang)) {
      const content = bang + CDATA_OPEN.length;
      const end = body.indexOf(CDATA_CLOSE, content);
      if (end === -1) break;
      if (end - content > LONG_CDATA) {
        length += body.copy(out, length, copied, content);
        out[length++] = ELIDED_BYTE;
        stretches.push([length, end]);
        copied = end;
      }
      at = end + CDATA_CLOSE.length;
    } else if (DOCTYPE.test(body.toString("latin1", bang, Math.min(bang + 9, body.length)))) {
      return { text: body.toString("latin1", from), toBytes: (at) => at + from };
    } else {
      at = bang + 2;
    }
  }
  length += body.copy(out, length, copied);
  const toBytes = (at: number): number => {
    let k = stretches.length - 1;
    while (k > 0 && (stretches[k]?.[0] ?? 0) > at) k--;
    const [text, bytes] = stretches[k] ?? [0, from];
    return bytes + (at - text);
  };
  return { text: out.toString("latin1", 0, length), toBytes };
}

/** Whether `bytes` are at `at` in `body`: read in place, cheaper than a native compare for a few bytes. */
function startsAt(body: Buffer, bytes: Buffer, at: number): boolean {
  if (at + bytes.length > body.length) return false;
  for (let i = 0; i < bytes.length; i++) if (body[at + i] !== bytes[i]) return false;
  return true;
}

const ELIDED_BYTE = ELIDED.charCodeAt(0);
/** Kept between scans (the scan is synchronous): a feed's kept bytes need no buffer of their own. */
let gathered = Buffer.alloc(0);
/** A larger document gets a buffer of its own, not kept: one huge feed does not hold memory for good. */
const GATHER_KEEP_BYTES = 1 << 20;

/** A buffer of at least `size` bytes to gather into, overwritten by the next scan. */
function gatherBuffer(size: number): Buffer {
  if (size <= gathered.length) return gathered;
  if (size > GATHER_KEEP_BYTES) return Buffer.allocUnsafe(size);
  gathered = Buffer.allocUnsafe(Math.max(size, 64 * 1024));
  return gathered;
}

/**
 * Comments, CDATA sections and processing instructions, each ending where htmlparser2's tokenizer
 * ends it (a comment's `-->` may reuse its opener's dashes: `<!-->`), matched whole so that no
 * element is looked for inside them; or an element with no attributes holding only text (no quote,
 * `<` or `&` but the entities a strict parser knows) or only one CDATA section (no quote), closed
 * by `</name>` at once. Quotes are left out so that a match begun inside a quoted attribute value
 * ends inside it.
 */
const INERT =
  /<!(?=--)[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[^>]*>|<([A-Za-z_][\w.:-]*)>(?:<!\[CDATA\[[^\]"']*(?:\](?!\]>)[^\]"']*)*\]\]>|[^<&"']*(?:&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);[^<&"']*)*)<\/\1>/y;
/** Names whose elements the scan reads (or checks) in some place: never left out. */
const READ_NAMES = ["rss", "feed", "rdf:RDF", "channel", "item", "entry", ...ITEM_FIELDS];
/**
 * A run of INERT's elements whose names the scan never reads, each with the whitespace after it:
 * one match (no array, no strings: tested in place) for what stands as one mark.
 */
const INERT_RUN = new RegExp(`(?:<(?!(?:${READ_NAMES.join("|")})>)${INERT.source.slice(INERT.source.indexOf("([A-Za-z_]"))}[ \\t\\r\\n]*)+`, "y");
/** What stands for an inert element: a character XML text cannot hold, read as text by the tokenizer. */
const INERT_MARK = "\u0002";

/**
 * The text with each inert element (INERT: text or one CDATA section only, a name the scan never
 * reads) written as INERT_MARK: the tokenizer passes over it as part of the text around it instead
 * of five tokens. Such an element has no effect in an item, the channel or an element the scan does
 * not read; where it would have made the scan doubt (inside an identity field, in an attribute
 * value, after the root element) the mark does too. Most of a feed's elements are inert (title,
 * pubDate, category, dc:creator, description and content:encoded once their long CDATA is elided).
 * `toText` maps an offset in the result back to the text (outside the marks only). Pure; exported
 * for its tests.
 */
export function elideInertElements(text: string): { text: string; toText: (at: number) => number } {
  // An opener never closed would make INERT search to the end from every later opener (quadratic
  // in a hostile feed): then nothing is left out. When the last one is closed, every one is.
  if (unclosed(text, "<!--", 2, "-->") || unclosed(text, "<![CDATA[", 9, "]]>") || unclosed(text, "<?", 2, ">")) return { text, toText: (at) => at };
  const parts: string[] = [];
  /** [offset in the result, offset in the text] where each kept stretch of the text starts. */
  const outStarts: number[] = [0];
  const inStarts: number[] = [0];
  let length = 0;
  let copied = 0;
  // Tried at each "<" only (indexOf skips text far faster than the regex would, position by position).
  for (let at = text.indexOf("<"); at !== -1; at = text.indexOf("<", at)) {
    INERT_RUN.lastIndex = at;
    if (INERT_RUN.test(text)) {
      parts.push(text.slice(copied, at), INERT_MARK);
      length += at - copied + INERT_MARK.length;
      at = copied = INERT_RUN.lastIndex;
      outStarts.push(length);
      inStarts.push(copied);
      continue;
    }
    // A comment, CDATA section, processing instruction or element the scan reads: passed over whole.
    INERT.lastIndex = at;
    at = INERT.test(text) ? INERT.lastIndex : at + 1;
  }
  if (copied === 0) return { text, toText: (at) => at };
  parts.push(text.slice(copied));
  const toText = (at: number): number => {
    // The last stretch starting at or before `at` (binary search: ranges are asked for one by one).
    let low = 0;
    let high = outStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((outStarts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return (inStarts[low] ?? 0) + (at - (outStarts[low] ?? 0));
  };
  return { text: parts.join(""), toText };
}

/**
 * Whether the last `open` in the text has no `close` from `skip` characters after its start: some
 * `open` starts after the last `close`, less `skip` (searched forwards from near the end: a search
 * backwards from the end for an opener met only at the start, "<?xml", read the whole text).
 */
function unclosed(text: string, open: string, skip: number, close: string): boolean {
  const first = text.indexOf(open);
  return first !== -1 && text.indexOf(open, Math.max(first, text.lastIndexOf(close) - skip + 1)) !== -1;
}

/** UTF-8 bytes that were read as Latin-1, decoded. */
function latin1ToUtf8(text: string): string {
  return /[\u0080-\u00ff]/.test(text) ? Buffer.from(text, "latin1").toString("utf8") : text;
}

interface ScannedXml {
  /** The channel's raw fields as rss-parser's output has them (attrs, linkRaw, link). */
  channel: Record<string, unknown>;
  items: Array<Record<string, unknown>>;
  /** Each item element's [start, end) in the scanned text. */
  ranges: Array<[number, number]>;
}

/** One tokenizer pass; throws Doubt on anything a strict parser (sax, under xml2js) would not take as is. */
function scanXml(xml: string, format: XmlFormat, fromBytes: (text: string) => string): ScannedXml {
  const stack: Frame[] = [];
  const channel: Record<string, unknown> = {};
  const channelLinks: XmlValue[] = [];
  const items: Array<Record<string, unknown>> = [];
  let item: Record<string, unknown> | null = null;
  const ranges: Array<[number, number]> = [];
  let tagStart = 0;
  let tagEnd = 0;
  let channelSeen = false;
  let rootClosed = false;
  let tagName = "";
  let attrs: Attrs | null = null;
  let attrName = "";
  let attrValue = "";

  // The next "&" and "<" at or after where the text read so far ends: each is searched for once,
  // whatever the number of text pieces (searching from every piece would be quadratic).
  let nextAmp = -1;
  let nextLt = -1;
  const checkText = (start: number, end: number): void => {
    if (nextLt !== Infinity && nextLt < start) nextLt = at(xml.indexOf("<", start));
    if (nextLt < end) throw new Doubt();
    if (nextAmp !== Infinity && nextAmp < start) nextAmp = at(xml.indexOf("&", start));
    while (nextAmp < end) {
      ENTITY.lastIndex = nextAmp;
      if (!ENTITY.test(xml)) throw new Doubt();
      nextAmp = at(xml.indexOf("&", nextAmp + 1));
    }
  };
  const roleOf = (name: string, parent: Frame | undefined): Role => {
    if (!parent) return format === "atom" ? "channel" : "root"; // Atom's channel is the root element itself
    if (parent.role === "root") {
      if (name === "channel" && !channelSeen) return "channel";
      return format === "rdf" && name === "item" ? "item" : "other";
    }
    if (parent.role === "channel") {
      if (name === "link") return "field";
      return name === (format === "atom" ? "entry" : "item") && format !== "rdf" ? "item" : "other";
    }
    if (parent.role === "item") return ITEM_FIELDS.has(name) ? "field" : "other";
    // Markup inside an identity element: xml2js would make it an object; the scan does not guess.
    if (parent.role === "field") throw new Doubt();
    return "other";
  };
  const open = (name: string, elementAttrs: Attrs | null): void => {
    if (rootClosed || !NAME.test(name)) throw new Doubt();
    const parent = stack[stack.length - 1];
    const role = roleOf(name, parent);
    // Atom's channel is the root element itself.
    const frame: Frame = { name, attrs: elementAttrs, text: role === "field" ? "" : null, cdata: false, role };
    if (frame.role === "channel") {
      channelSeen = true;
      if (elementAttrs) channel.attrs = elementAttrs;
    }
    if (frame.role === "item") {
      item = {};
      if (elementAttrs) {
        item.attrs = elementAttrs;
        if (format !== "atom" && elementAttrs["rdf:about"]) item["rdf:about"] = elementAttrs["rdf:about"];
      }
      items.push(item);
      ranges.push([tagStart, -1]);
    }
    stack.push(frame);
  };
  const close = (name: string): void => {
    const frame = stack.pop();
    if (!frame || frame.name !== name) throw new Doubt(); // sax: unexpected or mismatched close tag
    if (!stack.length) rootClosed = true;
    if (frame.role === "item") {
      item = null;
      const range = ranges[ranges.length - 1];
      if (range) range[1] = tagEnd;
    }
    if (frame.role !== "field") return;
    const value = xmlValue(frame);
    const parent = stack[stack.length - 1];
    if (parent?.role === "channel") {
      if (format === "atom" && typeof value === "string") throw new Doubt(); // see addItemField
      channelLinks.push(value);
    }
    else if (item) addItemField(item, frame, value, format);
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tagStart = start - 1;
      tagName = xml.slice(start, end);
      attrs = null;
    },
    onattribname(start, end) {
      if (!/\s/.test(xml[start - 1] ?? "")) throw new Doubt(); // sax: no whitespace between attributes
      attrName = xml.slice(start, end);
      attrValue = "";
    },
    onattribdata(start, end) {
      checkText(start, end);
      if (xml.slice(start, end).includes(INERT_MARK)) throw new Doubt(); // markup in a value: sax fails
      attrValue += xml.slice(start, end);
    },
    onattribentity() {
      throw new Doubt(); // not called without entity decoding
    },
    onattribend(quote) {
      // sax (strict) takes only quoted values, each name once.
      if (quote !== 2 && quote !== 3) throw new Doubt();
      attrs ??= {};
      if (Object.hasOwn(attrs, attrName) || /[\t\n\r]/.test(attrValue)) throw new Doubt();
      const value = fromBytes(attrValue);
      attrs[attrName] = value.includes("&") ? decodeXML(value) : value;
    },
    onopentagend() {
      open(tagName, attrs);
    },
    onselfclosingtag(end) {
      tagEnd = end + 1;
      open(tagName, attrs);
      close(tagName);
    },
    onclosetag(start, end) {
      CLOSE_END.lastIndex = end;
      if (!CLOSE_END.test(xml)) throw new Doubt(); // sax: invalid characters in closing tag
      tagEnd = CLOSE_END.lastIndex;
      // Compared in place (no string per closing tag); a mismatch is close()'s Doubt.
      const name = stack[stack.length - 1]?.name ?? "";
      close(end - start === name.length && xml.startsWith(name, start) ? name : xml.slice(start, end));
    },
    ontext(start, end) {
      checkText(start, end);
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (xml.slice(start, end).trim()) throw new Doubt(); // text outside the root element
        return;
      }
      if (frame.text !== null) {
        const text = xml.slice(start, end);
        if (text.includes(INERT_MARK)) throw new Doubt(); // an element inside an identity field (roleOf)
        frame.text += decodeXML(fromBytes(text));
      }
    },
    ontextentity() {
      throw new Doubt();
    },
    oncdata(start, end, offset) {
      const frame = stack[stack.length - 1];
      if (offset === 0 || !frame) throw new Doubt(); // never closed, or outside the root
      if (frame.text !== null) {
        const content = xml.slice(start, end - offset);
        if (content === ELIDED || content.includes(INERT_MARK)) throw new Doubt(); // an identity field's content was left out
        frame.text += fromBytes(content);
        frame.cdata = true;
      }
    },
    oncomment(start, end, offset) {
      // Never closed; or closed by its opener's own dashes (`<!-->`, `<!--->`), which sax reads on past.
      if (offset === 0 || end - offset < start) throw new Doubt();
    },
    ondeclaration() {
      throw new Doubt(); // a DOCTYPE was dropped by prepareXml; any other is odd
    },
    onprocessinginstruction(start, end) {
      // The CDATA elision does not look inside processing instructions: one that holds a CDATA opener is read in full.
      if (xml.slice(start, end).includes("<![CDATA[")) throw new Doubt();
    },
    onend() {},
  };
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, callbacks);
  tokenizer.write(xml);
  tokenizer.end();
  if (stack.length || !rootClosed) throw new Doubt(); // cut off: the full parse drops the open entry
  if (channelLinks.length) {
    channel.linkRaw = channelLinks;
    channel.link = unwrap(channelLinks[0]);
  }
  return { channel, items, ranges };
}

function at(index: number): number {
  return index === -1 ? Infinity : index;
}

/** xml2js's value for an element: whitespace-only text (not CDATA) is dropped, a lone text is a string. */
function xmlValue(frame: Frame): XmlValue {
  const text = frame.text ?? "";
  const keepText = frame.cdata || /\S/.test(text);
  if (!frame.attrs) return keepText ? text : "";
  return keepText ? { _: text, $: frame.attrs } : { $: frame.attrs };
}

/** rss-parser's copyFromXML: without keepArray the first value, unwrapped to its text when it has one. */
function unwrap(value: XmlValue | undefined): unknown {
  return typeof value === "object" && typeof value._ === "string" ? value._ : value;
}

/** A list of one made as it is: an empty one given a first push grows room for many. */
function addValue(item: Record<string, unknown>, key: string, value: XmlValue): void {
  const list = item[key] as XmlValue[] | undefined;
  if (list) list.push(value);
  else item[key] = [value];
}

function addItemField(item: Record<string, unknown>, frame: Frame, value: XmlValue, format: XmlFormat): void {
  switch (frame.name) {
    case "guid":
      return addValue(item, "guidRaw", value);
    case "link":
      // rss-parser reads `links[i].$.rel` of every Atom link: one without attributes throws (a repair follows).
      if (format === "atom" && typeof value === "string") throw new Doubt();
      return addValue(item, "linkRaw", value);
    case "feedburner:origLink":
      if (!("origLink" in item)) item.origLink = unwrap(value);
      return;
    case "id":
      if (format === "atom" && !("id" in item)) item.id = value;
      return;
    default:
      // Atom published/updated: rss-parser's `new Date(x).toISOString()` throws on a bad date.
      if (format === "atom" && typeof value === "string" && value.length && Number.isNaN(new Date(value).getTime())) throw new Doubt();
  }
}
