/** The test helpers that read what a crier child wrote. */
import { describe, expect, it } from "vitest";
import { jsonLines } from "./cli.js";

describe("jsonLines", () => {
  it.each([
    ["whole lines", '{"a":1}\n{"b":2}\n', [{ a: 1 }, { b: 2 }]],
    ["a line still being written (read mid-append)", '{"a":1}\n{"b":', [{ a: 1 }]],
    ["nothing complete yet", '{"a":1', []],
    ["other output around the JSON", 'crier: starting\n{"a":1}\n\n[test harness: killed]', [{ a: 1 }]],
  ])("%s", (_name, text, lines) => {
    expect(jsonLines(text)).toEqual(lines);
  });
});
