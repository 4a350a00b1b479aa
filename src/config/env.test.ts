import { describe, expect, it } from "vitest";
import { resolveEnvRefs } from "./env.js";

describe("resolveEnvRefs", () => {
  const env = { TOKEN: "t0ken-value", HOST: "example.com", EMPTY: "" };

  it.each<[string, unknown, unknown, string[], Array<{ variable: string; path: string }>]>([
    ["a whole value", "${TOKEN}", "t0ken-value", ["t0ken-value"], []],
    ["inside a string", "https://${HOST}/feed", "https://example.com/feed", ["example.com"], []],
    ["several in one string", "${HOST}:${TOKEN}", "example.com:t0ken-value", ["example.com", "t0ken-value"], []],
    ["missing is listed and left as is", "${NOPE}", "${NOPE}", [], [{ variable: "NOPE", path: "d" }]],
    ["empty counts as missing", "${EMPTY}", "${EMPTY}", [], [{ variable: "EMPTY", path: "d" }]],
    ["not a reference", "$TOKEN and {TOKEN} and ${1X}", "$TOKEN and {TOKEN} and ${1X}", [], []],
    ["non-strings untouched", 42, 42, [], []],
    [
      "nested objects and arrays, with paths",
      { a: { b: "${TOKEN}" }, list: ["x", "${NOPE}"], n: true },
      { a: { b: "t0ken-value" }, list: ["x", "${NOPE}"], n: true },
      ["t0ken-value"],
      [{ variable: "NOPE", path: "d.list[1]" }],
    ],
  ])("%s", (_name, input, value, values, missing) => {
    expect(resolveEnvRefs(input, env, "d")).toEqual({ value, values, missing });
  });
});
