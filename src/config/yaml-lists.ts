/**
 * The config's long lists (`feeds:` and `routes:` written as block sequences at the top level),
 * parsed a chunk of entries at a time (issue 17: a config of 100,000 feeds is 16 MB of YAML, and
 * js-yaml's values of all of it, ~70 MB of heap, were alive at once while it was checked; V8 then
 * sized the heap after them, which set `crier run`'s start-up peak). The rest of the file is
 * parsed whole. Anything this reading is not sure of (markers, anchors and aliases, a chunk that
 * does not parse, or parses to another count of entries) makes the caller parse the whole text
 * instead (`ChunkedParseFailed`), so problems are found and worded as before.
 */
import jsYaml from "js-yaml";

/** Entries parsed at once. */
const CHUNK = 1000;
/**
 * Texts shorter than this are parsed whole: their values are small (~1,000 feeds), and one js-yaml
 * call costs a command less than three (the rest and each list) and the scan for the lists.
 */
export const CHUNKED_FROM = 64 * 1024;
const LIST_KEYS: ReadonlySet<string> = new Set(["feeds", "routes"]);

/** The chunked reading cannot be trusted for this text: parse it whole. */
export class ChunkedParseFailed extends Error {}

/** A top-level list read an entry at a time, in order; `drop` lets go of an entry once it is checked. */
export interface EntryList {
  readonly length: number;
  at(index: number): unknown;
  drop(index: number): void;
}

/** A list parsed with the rest of the document; `alsoIn` holds the same entries (zod's copy of the array). */
export function arrayList(list: unknown[], alsoIn?: unknown): EntryList {
  return {
    length: list.length,
    at: (index) => list[index],
    drop: (index) => {
      list[index] = undefined;
      if (Array.isArray(alsoIn)) alsoIn[index] = undefined;
    },
  };
}

/**
 * The document without its long lists (each key left with an empty value), parsed by js-yaml, and
 * each list to read in chunks; null when the text is not of the plain shape this reads (then parse
 * it whole). @throws ChunkedParseFailed when the rest of the document does not parse as expected.
 */
export function splitLists(text: string): { rest: Record<string, unknown>; lists: Map<string, EntryList> } | null {
  if (/^(---|\.\.\.)(\s|$)/m.test(text) || !/^\s*(#[^\n]*\n\s*)*[A-Za-z_][\w-]*[ \t]*:/.test(text)) return null;
  const sections: Array<{ key: string; items: number[]; end: number }> = [];
  const pieces: string[] = [];
  let kept = 0;
  for (let pos = 0; pos < text.length; ) {
    const eol = lineEnd(text, pos);
    const key = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(#.*)?\r?$/.exec(text.slice(pos, eol))?.[1];
    const section = key !== undefined && LIST_KEYS.has(key) ? readSequence(text, eol + 1) : null;
    if (key !== undefined && section) {
      if (sections.some((s) => s.key === key)) return null; // a key twice: the whole parse says so
      sections.push({ key, ...section });
      pieces.push(text.slice(kept, eol + 1));
      kept = section.end;
      pos = section.end;
    } else pos = eol + 1;
  }
  if (!sections.length) return null;
  pieces.push(text.slice(kept));
  let rest: unknown;
  try {
    rest = jsYaml.load(pieces.join(""));
  } catch {
    throw new ChunkedParseFailed();
  }
  // Each list's key must be a key of the top-level mapping, left empty (not, say, a line of a scalar).
  if (!rest || typeof rest !== "object" || Array.isArray(rest) || sharesValues(rest)) throw new ChunkedParseFailed();
  const top = rest as Record<string, unknown>;
  const lists = new Map<string, EntryList>();
  for (const { key, items, end } of sections) {
    if (!Object.hasOwn(top, key) || top[key] !== null) throw new ChunkedParseFailed();
    top[key] = [];
    lists.set(key, new ChunkedList(text, items, end));
  }
  return { rest: top, lists };
}

function lineEnd(text: string, pos: number): number {
  const eol = text.indexOf("\n", pos);
  return eol < 0 ? text.length : eol;
}

const ITEM = /^( *)-( |\r?$)/;
const BLANK = /^[ \t]*(#.*)?\r?$/;

/**
 * A block sequence starting at `from`: each entry's first character, and where the sequence
 * ends (after its last entry's last line); null when what follows is not one.
 */
function readSequence(text: string, from: number): { items: number[]; end: number } | null {
  const items: number[] = [];
  let indent = -1;
  let end = from;
  for (let pos = from; pos < text.length; ) {
    const eol = lineEnd(text, pos);
    const line = text.slice(pos, eol);
    if (!BLANK.test(line)) {
      const item = ITEM.exec(line);
      const depth = line.length - line.trimStart().length;
      if (indent < 0) {
        if (!item) return null;
        indent = depth;
      }
      if (item && depth === indent) items.push(pos);
      else if (depth <= indent) break;
      end = eol + 1;
    }
    pos = eol + 1;
  }
  return items.length ? { items, end: Math.min(end, text.length) } : null;
}

/** Entries parsed `CHUNK` at a time, as they are asked for in order; each chunk's values dropped with it. */
class ChunkedList implements EntryList {
  private values: unknown[] = [];
  private first = 0;

  constructor(
    private readonly text: string,
    /** Where each entry starts in `text`. */
    private readonly items: readonly number[],
    private readonly end: number,
  ) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): unknown {
    if (index < this.first || index >= this.first + this.values.length) this.load(index - (index % CHUNK));
    return this.values[index - this.first];
  }

  drop(index: number): void {
    if (index >= this.first && index < this.first + this.values.length) this.values[index - this.first] = undefined;
  }

  /** @throws ChunkedParseFailed */
  private load(first: number): void {
    const last = Math.min(first + CHUNK, this.items.length);
    const source = this.text.slice(this.items[first], last < this.items.length ? this.items[last] : this.end);
    let values: unknown;
    try {
      values = jsYaml.load(source);
    } catch {
      throw new ChunkedParseFailed();
    }
    if (!Array.isArray(values) || values.length !== last - first || sharesValues(values)) throw new ChunkedParseFailed();
    this.values = values;
    this.first = first;
  }
}

/** True when a value is reachable twice (YAML aliases, which js-yaml shares by reference). Pure; one pass over the values. */
export function sharesValues(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (seen.has(value)) return true;
    seen.add(value);
    for (const child of Object.values(value)) if (child !== null && typeof child === "object") stack.push(child);
  }
  return false;
}
