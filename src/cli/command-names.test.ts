import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { COMMAND_NAMES } from "./command-names.js";

describe("COMMAND_NAMES", () => {
  it("are the top-level commands src/cli.ts defines, in its order (a missing one would share the code cache of unnamed commands)", () => {
    const source = readFileSync(new URL("../cli.ts", import.meta.url), "utf8");
    const defined = [...source.matchAll(/^commands\.set\("([a-z-]+)"/gm)].map((m) => m[1]);
    expect(defined.length).toBeGreaterThan(10);
    expect([...COMMAND_NAMES]).toEqual(defined);
  });
});
