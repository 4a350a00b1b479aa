// Parser for the Bot API "HTML style" formatting option.
//   Spec (read 2026-12-06, Bot API 10.2): https://core.telegram.org/bots/api#html-style
//         https://core.telegram.org/bots/api#formatting-options
//         https://core.telegram.org/bots/api#messageentity
//   Each '#section' below is of that page, read that day.
// Produces the plain text and the MessageEntity list (offset/length in UTF-16 code units, which is
// what a JS string index counts). Errors are thrown as EntityParseError; the reason strings follow
// the ones the real server (tdlib) reports, with " at byte offset N" counted in UTF-8 bytes.

export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  unix_time?: number;
  date_time_format?: string;
}

export class EntityParseError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "EntityParseError";
  }
}

// #html-style: "The following tags are currently supported" / "Only the tags mentioned above are currently supported."
const ENTITY_OF_TAG: Record<string, string> = {
  b: "bold", strong: "bold",
  i: "italic", em: "italic",
  u: "underline", ins: "underline",
  s: "strikethrough", strike: "strikethrough", del: "strikethrough",
  span: "spoiler", "tg-spoiler": "spoiler",
  a: "text_link",
  "tg-emoji": "custom_emoji",
  "tg-time": "date_time",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

// #html-style: "The API currently supports only the following named HTML entities: &lt;, &gt;, &amp; and &quot;."
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
// #html-style: "All numerical HTML entities are supported."
const ENTITY_RE = /^&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));/;
const SURROGATE_ERROR =
  "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units";

interface Open {
  tag: string;
  begin: number; // index in the input (for byte offsets)
  start: number; // UTF-16 offset in the output
  depth: number;
  entity?: Omit<Entity, "offset" | "length">;
  codeLanguage?: string;
}
interface Emitted extends Entity {
  depth: number;
  codeLanguage?: string;
}

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";

function byteOffset(input: string, index: number): number {
  return Buffer.byteLength(input.slice(0, index), "utf8");
}

function fail(input: string, reason: string, index?: number): never {
  throw new EntityParseError(index === undefined ? reason : `${reason} at byte offset ${byteOffset(input, index)}`);
}

type Decoded = { value: string; next: number } | { invalid: string; surrogate: boolean };

/** Decodes the entity starting at input[i] ("&..."), or returns undefined if it is not a supported one. */
function decodeEntity(input: string, i: number): Decoded | undefined {
  const m = ENTITY_RE.exec(input.slice(i, i + 14));
  if (!m) return undefined;
  if (m[1] !== undefined) return { value: NAMED[m[1]] ?? "", next: i + m[0].length };
  const cp = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3] ?? "", 16);
  if (cp >= 0xd800 && cp <= 0xdfff) return { invalid: SURROGATE_ERROR, surrogate: true };
  if (cp === 0 || cp > 0x10ffff) return { invalid: `Invalid character entity "${m[0]}"`, surrogate: false };
  return { value: String.fromCodePoint(cp), next: i + m[0].length };
}

/** Entities inside an attribute value: a '&' there is "part of a tag", so unknown ones stay literal. */
function decodeAttribute(input: string, raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; ) {
    const d = raw[i] === "&" ? decodeEntity(raw, i) : undefined;
    if (d && "invalid" in d && d.surrogate) fail(input, d.invalid);
    if (d && "value" in d) {
      out += d.value;
      i = d.next;
    } else out += raw[i++];
  }
  return out;
}

function parseAttributes(input: string, tag: string, begin: number, from: number) {
  const attrs: Record<string, string> = {};
  let i = from;
  for (;;) {
    while (isSpace(input[i])) i++;
    if (i >= input.length) fail(input, `Unclosed start tag "${tag}"`, begin);
    if (input[i] === ">") return { attrs, next: i + 1 };
    const nameStart = i;
    while (i < input.length && !isSpace(input[i]) && input[i] !== "=" && input[i] !== ">") i++;
    const name = input.slice(nameStart, i).toLowerCase();
    if (name === "") fail(input, `Empty attribute name in the tag "${tag}"`, begin);
    while (isSpace(input[i])) i++;
    if (i >= input.length) fail(input, `Unclosed start tag "${tag}"`, begin);
    if (input[i] !== "=") {
      // #html-style: <blockquote expandable> is the only documented value-less attribute.
      if (tag === "blockquote" && name === "expandable") {
        attrs[name] = "";
        continue;
      }
      fail(input, `Expected equal sign in declaration of an attribute of the tag "${tag}"`, begin);
    }
    i++;
    while (isSpace(input[i])) i++;
    if (i >= input.length) fail(input, `Unclosed start tag "${tag}"`, begin);
    const quote = input[i];
    if (quote === '"' || quote === "'") {
      const end = input.indexOf(quote, i + 1);
      if (end < 0) fail(input, "Unclosed start tag", begin);
      attrs[name] = decodeAttribute(input, input.slice(i + 1, end));
      i = end + 1;
    } else {
      const valueStart = i;
      while (i < input.length && /[A-Za-z0-9.-]/.test(input[i] ?? "")) i++;
      if (i < input.length && !isSpace(input[i]) && input[i] !== ">") fail(input, "Unexpected end of name token", i);
      attrs[name] = input.slice(valueStart, i);
    }
  }
}

function describeTag(input: string, tag: string, attrs: Record<string, string>, begin: number): Omit<Entity, "offset" | "length"> | undefined {
  const type = ENTITY_OF_TAG[tag] ?? "";
  switch (tag) {
    case "a": // #html-style: <a href="http://www.example.com/">inline URL</a>
      return attrs.href ? { type, url: attrs.href } : undefined;
    case "span": // #html-style: <span class="tg-spoiler">spoiler</span>
      if (attrs.class !== "tg-spoiler") fail(input, `Tag "span" must have class "tg-spoiler"`, begin);
      return { type };
    case "tg-emoji": {
      // #html-style: <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>; #messageentity custom_emoji_id
      const id = attrs["emoji-id"] ?? "";
      if (!/^[1-9][0-9]{0,18}$/.test(id)) throw new EntityParseError("Invalid custom emoji identifier specified");
      return { type, custom_emoji_id: id };
    }
    case "tg-time": {
      // #html-style: <tg-time unix="1647531900" format="wDT">; #date-time-entity-formatting: r|w?[dD]?[tT]?
      const unix = attrs.unix ?? "";
      if (!/^[0-9]{1,12}$/.test(unix)) fail(input, `Invalid Unix time specified in the tag "tg-time"`, begin);
      const format = attrs.format;
      if (format !== undefined && !/^(r|w?[dD]?[tT]?)$/.test(format)) fail(input, `Invalid date-time format specified in the tag "tg-time"`, begin);
      return format === undefined ? { type, unix_time: Number(unix) } : { type, unix_time: Number(unix), date_time_format: format };
    }
    case "blockquote": // #html-style: <blockquote> and <blockquote expandable>
      return { type: "expandable" in attrs ? "expandable_blockquote" : "blockquote" };
    default:
      return { type };
  }
}

/**
 * Parses `input` as Bot API HTML. Throws EntityParseError (reason only; the caller adds
 * "Bad Request: can't parse entities: ").
 */
export function parseHtml(input: string): { text: string; entities: Entity[] } {
  let out = "";
  const stack: Open[] = [];
  const emitted: Emitted[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === "&") {
      // #html-style: "All <, > and & symbols that are not a part of a tag or an HTML entity must be replaced"
      const d = decodeEntity(input, i);
      if (!d) {
        const named = /^&([A-Za-z][A-Za-z0-9]*);/.exec(input.slice(i, i + 40));
        fail(input, named ? `Unsupported HTML entity "${named[0]}"` : "Character entity expected", i);
      }
      if ("invalid" in d) fail(input, d.invalid, d.surrogate ? undefined : i);
      out += d.value;
      i = d.next;
    } else if (c === ">") {
      fail(input, `Character ">" must be replaced with "&gt;"`, i);
    } else if (c === "<" && input[i + 1] === "/") {
      const begin = i;
      const open = stack[stack.length - 1];
      if (!open) fail(input, "Unexpected end tag", begin);
      i += 2;
      const nameStart = i;
      while (i < input.length && !isSpace(input[i]) && input[i] !== ">") i++;
      const name = input.slice(nameStart, i).toLowerCase();
      while (isSpace(input[i])) i++;
      if (input[i] !== ">") fail(input, "Unclosed end tag", begin);
      i++;
      if (name !== "" && name !== open.tag) {
        fail(input, `Unmatched end tag at byte offset ${byteOffset(input, begin)}, expected "</${open.tag}>", found "</${name}>"`);
      }
      stack.pop();
      if (open.entity) {
        const e: Emitted = { ...open.entity, offset: open.start, length: out.length - open.start, depth: open.depth };
        if (open.codeLanguage !== undefined) e.codeLanguage = open.codeLanguage;
        emitted.push(e);
      }
    } else if (c === "<") {
      const begin = i;
      i++;
      const nameStart = i;
      while (i < input.length && !isSpace(input[i]) && input[i] !== ">") i++;
      if (i >= input.length) fail(input, "Unclosed start tag", begin);
      const tag = input.slice(nameStart, i).toLowerCase();
      if (!(tag in ENTITY_OF_TAG)) fail(input, `Unsupported start tag "${tag}"`, begin);
      const { attrs, next } = parseAttributes(input, tag, begin, i);
      i = next;
      const open: Open = { tag, begin, start: out.length, depth: stack.length };
      const entity = describeTag(input, tag, attrs, begin);
      if (entity) open.entity = entity;
      // #html-style: "Use nested pre and code tags, to define programming language for pre entity."
      const cls = attrs.class;
      if (tag === "code" && cls !== undefined && cls.startsWith("language-")) open.codeLanguage = cls.slice("language-".length);
      stack.push(open);
    } else {
      out += c;
      i++;
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(input, `Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text: out, entities: finish(emitted) };
}

function contains(outer: Emitted, inner: Emitted): boolean {
  return inner.depth > outer.depth && inner.offset >= outer.offset && inner.offset + inner.length <= outer.offset + outer.length;
}

function finish(emitted: Emitted[]): Entity[] {
  let list = emitted.filter((e) => e.length > 0);
  // <pre><code class="language-x">…</code></pre> spanning the same text is one "pre" entity with a
  // language (#html-style); "Programming language can't be specified for standalone code tags."
  for (const pre of list.filter((e) => e.type === "pre")) {
    const code = list.find(
      (e) => e.type === "code" && e.offset === pre.offset && e.length === pre.length && Math.abs(e.depth - pre.depth) === 1,
    );
    if (!code) continue;
    if (code.codeLanguage) pre.language = code.codeLanguage;
    pre.depth = Math.min(pre.depth, code.depth);
    list = list.filter((e) => e !== code);
  }
  // #formatting-options: entities can't be part of "pre" and "code"; "blockquote and
  // expandable_blockquote entities can't be nested". Such inner entities are dropped.
  const isQuote = (e: Emitted) => e.type === "blockquote" || e.type === "expandable_blockquote";
  const containers = list.filter((e) => e.type === "pre" || e.type === "code" || isQuote(e));
  list = list.filter((inner) => !containers.some((outer) => contains(outer, inner) && (!isQuote(outer) || isQuote(inner))));
  list.sort((a, b) => a.offset - b.offset || b.length - a.length || a.depth - b.depth);
  return list.map(({ depth: _d, codeLanguage: _c, ...entity }) => entity);
}
