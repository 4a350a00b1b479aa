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
import { decodeFeedBytes } from "./decode.js";
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
/** The entities a strict XML parser knows; any other `&` makes sax fail and the full parse repair. */
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

class Doubt extends Error {}

/**
 * Scans feed bytes for item identities. Null when the document is JSON Feed, is not well-formed
 * XML, or anything in it could make the full parse read it differently: then parse fully.
 */
export function scanIdentities(body: Buffer, contentType: string | null, feedUrl: string | null): ScannedFeed | null {
  const decoded = decodeFeedBytes(body, contentType);
  const source = decoded.text.replace(/^\uFEFF/, "");
  if (!source.trim() || isJsonFeed(source, contentType)) return null;
  try {
    const prepared = prepareXml(source);
    const doc = scanXml(prepared.text, prepared.format);
    const channel = channelOf(doc.channel, prepared.format, feedUrl, prepared.rootAttrs);
    const ctx = { feedId: "", format: prepared.format, base: channel.base, xmlBase: channel.xmlBase, channelLink: channel.link };
    const items: ItemIdentity[] = [];
    for (const raw of doc.items) {
      const { guid, link, legacyLink } = identityOf(raw, ctx);
      // No link: whether the full parse keeps the item, and its key, depend on its text.
      if (!link) return null;
      items.push({ guid, link, legacyLink });
    }
    return { channelLink: channel.link, items, warnings: [...(decoded.warning ? [decoded.warning] : []), ...prepared.warnings] };
  } catch (error) {
    if (error instanceof Doubt || error instanceof ParseError) return null;
    throw error;
  }
}

interface ScannedXml {
  /** The channel's raw fields as rss-parser's output has them (attrs, linkRaw, link). */
  channel: Record<string, unknown>;
  items: Array<Record<string, unknown>>;
}

/** One tokenizer pass; throws Doubt on anything a strict parser (sax, under xml2js) would not take as is. */
function scanXml(xml: string, format: XmlFormat): ScannedXml {
  const stack: Frame[] = [];
  const channel: Record<string, unknown> = {};
  const channelLinks: XmlValue[] = [];
  const items: Array<Record<string, unknown>> = [];
  let item: Record<string, unknown> | null = null;
  let channelSeen = false;
  let rootClosed = false;
  let tagName = "";
  let attrs: Attrs | null = null;
  let attrName = "";
  let attrValue = "";

  const checkText = (start: number, end: number): void => {
    const lt = xml.indexOf("<", start);
    if (lt !== -1 && lt < end) throw new Doubt();
    for (let amp = xml.indexOf("&", start); amp !== -1 && amp < end; amp = xml.indexOf("&", amp + 1)) {
      ENTITY.lastIndex = amp;
      if (!ENTITY.test(xml)) throw new Doubt();
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
    }
    stack.push(frame);
  };
  const close = (name: string): void => {
    const frame = stack.pop();
    if (!frame || frame.name !== name) throw new Doubt(); // sax: unexpected or mismatched close tag
    if (!stack.length) rootClosed = true;
    if (frame.role === "item") item = null;
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
      tagName = xml.slice(start, end);
      attrs = null;
    },
    onattribname(start, end) {
      attrName = xml.slice(start, end);
      attrValue = "";
    },
    onattribdata(start, end) {
      checkText(start, end);
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
      attrs[attrName] = attrValue.includes("&") ? decodeXML(attrValue) : attrValue;
    },
    onopentagend() {
      open(tagName, attrs);
    },
    onselfclosingtag() {
      open(tagName, attrs);
      close(tagName);
    },
    onclosetag(start, end) {
      close(xml.slice(start, end));
    },
    ontext(start, end) {
      checkText(start, end);
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (xml.slice(start, end).trim()) throw new Doubt(); // text outside the root element
        return;
      }
      if (frame.text !== null) frame.text += decodeXML(xml.slice(start, end));
    },
    ontextentity() {
      throw new Doubt();
    },
    oncdata(start, end, offset) {
      const frame = stack[stack.length - 1];
      if (offset === 0 || !frame) throw new Doubt(); // never closed, or outside the root
      if (frame.text !== null) {
        frame.text += xml.slice(start, end - offset);
        frame.cdata = true;
      }
    },
    oncomment(_start, _end, offset) {
      if (offset === 0) throw new Doubt();
    },
    ondeclaration() {
      throw new Doubt(); // a DOCTYPE was dropped by prepareXml; any other is odd
    },
    onprocessinginstruction() {},
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
  return { channel, items };
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

function addItemField(item: Record<string, unknown>, frame: Frame, value: XmlValue, format: XmlFormat): void {
  const push = (key: string): void => {
    const list = (item[key] as XmlValue[] | undefined) ?? [];
    list.push(value);
    item[key] = list;
  };
  switch (frame.name) {
    case "guid":
      return push("guidRaw");
    case "link":
      // rss-parser reads `links[i].$.rel` of every Atom link: one without attributes throws (a repair follows).
      if (format === "atom" && typeof value === "string") throw new Doubt();
      return push("linkRaw");
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
