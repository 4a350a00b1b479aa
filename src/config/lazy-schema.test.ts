// The helpers that build the config's schemas only when needed (./lazy-schema.ts): an entry's schema
// leaves out the optional fields it does not have, and checks and words it as the whole schema does.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { once, shapeOf, sparse } from "./lazy-schema.js";

describe("once", () => {
  it("builds on the first call only", () => {
    let builds = 0;
    const schema = once(() => (builds++, z.string()));
    expect(builds).toBe(0);
    expect(schema()).toBe(schema());
    expect(builds).toBe(1);
  });
});

describe("sparse: an entry's schema without the optional fields it leaves out", () => {
  const fields = {
    name: once(() => z.string().min(1)),
    tags: once(() => z.array(z.string()).default([])),
    extra: once(() => z.strictObject({ a: z.number() }).optional()),
    more: once(() => z.strictObject({ b: z.boolean() }).optional()),
  };
  const whole = z.strictObject(shapeOf(fields));
  // `tags` left out stands as its default ([]); `extra` and `more` left out are absent.
  const forEntry = sparse(fields, ["tags", "extra", "more"], (shape) => z.strictObject(shape), { tags: [] });

  it.each<[string, unknown]>([
    ["neither optional field", { name: "a" }],
    ["one of them", { name: "a", extra: { a: 1 } }],
    ["both", { name: "a", extra: { a: 1 }, more: { b: true } }],
    ["an unknown key and a bad value", { name: "", tags: [1], extr: 1 }],
    ["a required field missing", { more: { b: "no" } }],
    ["tags given", { name: "a", tags: ["x"] }],
    ["no object at all", 5],
    ["null", null],
  ])("%s: the same value or the same issues, in the same order, as the whole schema", (_name, entry) => {
    const mine = forEntry(entry).safeParse(entry);
    const all = whole.safeParse(entry);
    expect(mine.success).toBe(all.success);
    if (mine.success && all.success) expect(Object.entries(mine.data)).toEqual(Object.entries(all.data));
    else expect(mine.error?.issues).toEqual(all.error?.issues);
  });

  it("gives each entry its own copy of a default", () => {
    const first = forEntry({ name: "a" }).parse({ name: "a" }) as { tags: string[] };
    first.tags.push("changed");
    expect(forEntry({ name: "b" }).parse({ name: "b" })).toEqual({ name: "b", tags: [] });
  });

  it("builds an optional field's schema only for an entry that has it, and one schema per set of fields left out", () => {
    const fresh: string[] = [];
    const lazyFields = {
      name: once(() => (fresh.push("name"), z.string())),
      extra: once(() => (fresh.push("extra"), z.strictObject({ a: z.number() }).optional())),
    };
    const pick = sparse(lazyFields, ["extra"], (shape) => z.strictObject(shape));
    const plain = pick({ name: "a" });
    expect(fresh).toEqual(["name"]);
    expect(pick({ name: "b" })).toBe(plain);
    const withExtra = pick({ name: "a", extra: { a: 1 } });
    expect(withExtra).not.toBe(plain);
    expect(fresh).toEqual(["name", "extra"]);
    expect(Object.keys(plain.shape)).toEqual(["name"]);
    expect(Object.keys(withExtra.shape)).toEqual(["name", "extra"]);
  });
});
