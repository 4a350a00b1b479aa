/**
 * What a loaded config keeps per feed, made compact (issue 17: 10,000 feeds in one process).
 * js-yaml hands out values that share the config's text: every string of 13 characters or more is
 * a slice of it, which keeps the whole text (1.6 MB at 10,000 feeds) alive for the life of the
 * process. Feeds also repeat one another: the same schedule, time zone and image settings, each a
 * copy of its own. One `Interner` per load gives each distinct value a single copy of its own.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly values = new Map<string, unknown>();

  /** One flat copy of each distinct string (not a slice of the YAML text). */
  string(s: string): string {
    let own = this.strings.get(s);
    if (own === undefined) {
      own = ownCopy(s);
      this.strings.set(own, own);
    }
    return own;
  }

  /**
   * One shared instance per distinct JSON-like value (read-only from here on): 10,000 feeds with
   * the default image settings hold one object between them. Strings inside are interned too.
   */
  value<T>(v: T): T {
    if (typeof v === "string") return this.string(v) as T;
    if (v === null || typeof v !== "object") return v;
    const key = JSON.stringify(v);
    let shared = this.values.get(key) as T | undefined;
    if (shared === undefined) {
      shared = (Array.isArray(v) ? v.map((x: unknown) => this.value(x)) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)]))) as T;
      this.values.set(key, shared);
    }
    return shared;
  }
}

/**
 * A string with storage of its own: a slice of a larger string (as js-yaml's scalars are) keeps
 * that whole string alive. V8 slices only strings of 13 characters or more; JSON's round trip
 * makes a new sequential string and keeps every code unit (lone surrogates too).
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
