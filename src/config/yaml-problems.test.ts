import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { yamlSyntaxProblems } from "./yaml-problems.js";

const problems = (lines: string[]): string[] => {
  const text = `${lines.join("\n")}\n`;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return yamlSyntaxProblems(doc, lineCounter, text);
};

describe("YAML syntax problems, on the line to look at", () => {
  it.each([
    ["an unclosed double quote: where it opens, not past the end of the file", ["feeds:", "  - id: a", '    url: "feeds/a.xml', "    backlog: 1", "destinations: []"], 'line 3: YAML syntax: the " at column 10 is never closed: "feeds/a.xml'],
    ["an unclosed single quote", ["a: 'open", "b: 2"], "line 1: YAML syntax: the ' at column 4 is never closed: 'open"],
    ["an unclosed flow mapping, the next item on the following line", ["feeds:", "  - { id: a, url: a.xml", "  - { id: b }"], "line 2: YAML syntax: the { at column 5 is never closed: { id: a, url: a.xml"],
    ["an unclosed flow sequence at the end", ["to: [a, b"], "line 1: YAML syntax: the [ at column 5 is never closed: [a, b"],
    ["a long opening line is shortened", [`title: "${"x".repeat(80)}`], `line 1: YAML syntax: the " at column 8 is never closed: "${"x".repeat(39)}…`],
    ["a tab as indentation keeps its own line", ["a:", "\tb: 1"], "line 2: YAML syntax: Tabs are not allowed as indentation"],
    ["a duplicate key keeps its own line", ["a: 1", "a: 2"], "line 2: YAML syntax: Map keys must be unique"],
  ])("%s", (_name, lines, expected) => {
    expect(problems(lines)).toContain(expected);
  });

  it("never names a line past the end of the file", () => {
    for (const lines of [['a: "x'], ["a: [1, 2"], ["a: {x: 1"], ["- [", "- ]]"]]) {
      for (const p of problems(lines)) expect(Number(/^line (\d+)/.exec(p)?.[1]), p).toBeLessThanOrEqual(lines.length);
    }
  });
});
