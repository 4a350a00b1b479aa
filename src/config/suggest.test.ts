import { describe, expect, it } from "vitest";
import { z } from "zod";
import { closest, editDistance, keysAt } from "./suggest.js";
import { configSchema, feedSchema } from "./schema.js";

describe("editDistance (optimal string alignment)", () => {
  it.each([
    ["schedule", "schedule", 0],
    ["scheduel", "schedule", 1], // two neighbours swapped: one edit
    ["shedule", "schedule", 1],
    ["schedules", "schedule", 1],
    ["platfrom", "platform", 1],
    ["", "abc", 3],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // OSA: no edit of a swapped pair twice
  ])("%s -> %s: %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("closest", () => {
  const feedKeys = Object.keys(feedSchema().shape);
  it.each([
    ["scheduel", feedKeys, "schedule"],
    ["Schedule", feedKeys, "schedule"], // case is not a typo to count
    ["timezon", feedKeys, "timezone"],
    ["url", feedKeys, "url"],
    ["uri", feedKeys, "url"],
    ["colour", feedKeys, null], // nothing like it
    ["x", feedKeys, null],
    ["storge", Object.keys(configSchema().shape), "storage"],
    ["destination", Object.keys(configSchema().shape), "destinations"],
  ])("%s -> %s", (word, candidates, meant) => {
    expect(closest(word, candidates)).toBe(meant);
  });
});

describe("keysAt", () => {
  const schema = z.object({
    top: z.number(),
    nested: z.object({ inner: z.string(), deeper: z.object({ leaf: z.number() }).strict().optional() }).strict().default({ inner: "x" }),
    list: z.array(z.object({ item: z.string() })).default([]),
    either: z.union([z.object({ a: z.number() }), z.object({ b: z.number() })]).optional(),
    piped: z.object({ p: z.string() }).transform((v) => v.p),
  });
  it.each([
    [[], ["top", "nested", "list", "either", "piped"]],
    [["nested"], ["inner", "deeper"]],
    [["nested", "deeper"], ["leaf"]],
    [["list", 3], ["item"]],
    [["either"], ["a", "b"]],
    [["piped"], ["p"]],
    [["top"], []],
    [["nowhere"], []],
  ] as Array<[PropertyKey[], string[]]>)("%j", (path, keys) => {
    expect(keysAt(schema, path)).toEqual(keys);
  });

  it("reads Crier's own schema through its defaults", () => {
    expect(keysAt(configSchema(), ["storage"])).toEqual(expect.arrayContaining(["path", "cacheMB"]));
    expect(keysAt(feedSchema(), ["image"])).toEqual(expect.arrayContaining(["fromArticlePage", "fallbackUrl", "minWidth"]));
  });
});
