/**
 * YAML syntax errors as config problems, each on the line an operator must look at. The `yaml`
 * package reports a quote or bracket left open where it gave up, at the end of the file or at
 * the next line: the problem is where it was opened. Pure.
 */
import type { Document, LineCounter, Node } from "yaml";
import { yamlLib } from "./yaml-lib.js";

/** "line 3: YAML syntax: …" for each error of `doc`. */
export function yamlSyntaxProblems(doc: Document, lineCounter: LineCounter, text: string): string[] {
  const lastLine = lineCounter.linePos(text.trimEnd().length).line;
  return doc.errors.map((e) => {
    const what = e.message.split("\n")[0] ?? e.message;
    const opened = unclosedAt(doc, e.code, what, e.pos[0]);
    if (opened) {
      const { line, col } = lineCounter.linePos(opened.start);
      const source = (text.split("\n")[line - 1] ?? "").slice(col - 1).trimEnd();
      const shown = source.length > 40 ? `${source.slice(0, 40)}…` : source;
      return `line ${line}: YAML syntax: the ${opened.mark} at column ${col} is never closed: ${shown}`;
    }
    const line = lineCounter.linePos(e.pos[0]).line;
    return line > lastLine ? `line ${lastLine} (the end of the file): YAML syntax: ${what}` : `line ${line}: YAML syntax: ${what}`;
  });
}

/**
 * For an error about a missing closing quote or bracket at `pos`: the innermost quoted string or
 * flow collection that runs up to `pos`, i.e. the one left open.
 */
function unclosedAt(doc: Document, code: string, message: string, pos: number): { start: number; mark: string } | null {
  const quote = code === "MISSING_CHAR" && /quote/.test(message);
  const bracket = code === "BAD_INDENT" && /end with a [\]}]/.test(message);
  if (!quote && !bracket) return null;
  let found: { start: number; mark: string } | null = null;
  const { isCollection, isScalar, isSeq, visit } = yamlLib();
  visit(doc, {
    Node(_key, node: Node) {
      const range = node.range;
      if (!range || range[1] !== pos || (found && found.start >= range[0])) return;
      if (quote && isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) {
        found = { start: range[0], mark: node.type === "QUOTE_DOUBLE" ? '"' : "'" };
      } else if (bracket && isCollection(node) && node.flow) {
        found = { start: range[0], mark: isSeq(node) ? "[" : "{" };
      }
    },
  });
  return found;
}
