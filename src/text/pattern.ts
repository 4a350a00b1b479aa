/**
 * Operator-written text patterns (route filters' `regex`), run by RE2 (re2js) in time linear in the
 * text: a feed's title can never make matching backtrack and stall the process. The syntax is
 * JavaScript's, with the flags Crier always used ("iu"); what RE2 cannot run in linear time
 * (lookaround, backreferences, repeat counts above 1000) is refused with the reason. Pure.
 */
import { createRequire } from "node:module";

/** A compiled pattern: `test` is unanchored and case-insensitive, like `RegExp#test` with "iu". */
export interface TextPattern {
  readonly source: string;
  test(text: string): boolean;
}

export type CompiledPattern = { ok: true; pattern: TextPattern } | { ok: false; reason: string };

/** Compiles `source` once; never throws. */
export function compilePattern(source: string): CompiledPattern {
  try {
    new RegExp(source, "iu"); // JavaScript syntax (compiling never runs the pattern)
  } catch (err) {
    return { ok: false, reason: `must be a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /su, "")}` };
  }
  const backtracking = backtrackingConstruct(source);
  if (backtracking) {
    return { ok: false, reason: `${backtracking} is not supported (filters run in linear time): /${source}/; write the pattern without lookaround or backreferences` };
  }
  const { RE2JS } = re2js();
  try {
    // translateRegExp turns JavaScript spellings into RE2's (\u00e9 -> \x{00e9}, (?<name> -> (?P<name>).
    const re = RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.CASE_INSENSITIVE);
    return { ok: true, pattern: { source, test: (text) => re.test(text) } };
  } catch (err) {
    const why = (err as Error).message.replace(/^error parsing regexp: /u, "");
    return { ok: false, reason: `/${source}/ is not supported by RE2, the linear-time engine filters use: ${why}` };
  }
}

/**
 * The first construct only a backtracking engine runs, named, or null. `source` is valid with the
 * "u" flag, whose strict grammar makes a flat scan exact: `\k` is always a named backreference,
 * `\1`-`\9` always numbered ones, and `(?=`, `(?!`, `(?<=`, `(?<!` are lookaround outside a class.
 */
function backtrackingConstruct(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (!inClass && (next === "k" || (next >= "1" && next <= "9"))) return "a backreference";
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" && source[i + 1] === "?") {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith("=") || kind.startsWith("!")) return "lookahead";
      if (kind === "<=" || kind === "<!") return "lookbehind";
    }
  }
  return null;
}

/** re2js (~260 KB of code) loads with the first pattern: most configs have none. */
let re2Package: typeof import("re2js") | undefined;
function re2js(): typeof import("re2js") {
  re2Package ??= createRequire(import.meta.url)("re2js") as typeof import("re2js");
  return re2Package;
}
