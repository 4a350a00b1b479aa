/** The generated config docs (adapter READMEs, docs/config.md) are current: run `npm run docs` after changing a schema. */
import { readFileSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectedFiles } from "../src/docs/generate.js";

describe("generated config docs", () => {
  it.each([...expectedFiles()].map(([file, content]) => [file.replace(/^.*?\/(adapters|docs)\//, "$1/"), file, content]))(
    "%s is current",
    (_name, file, content) => {
      expect(existsSync(file), `${file} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(file, "utf8"), "out of date: run npm run docs").toBe(content);
    },
  );
});
