/**
 * What building the config's schemas costs every command: a field's description (and a secret's
 * mark) is registered on the field's own schema, never on a copy made only to carry it, as
 * `.describe()` and `.meta()` make (a quarter of the schemas built at load); numbers with the same
 * checks share them; strict objects are built strict, not copied. The docs read the same texts
 * (test/docs.test.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { adapters } from "../../adapters/index.js";
import { configSchema, feedSchema } from "./schema.js";

interface Internals {
  _zod: { def: Record<string, unknown>; parent?: Internals };
}

/** Every schema reachable from `root`: object fields, wrapped and piped schemas, elements, options. */
function reachable(root: unknown): Internals[] {
  const seen = new Set<Internals>();
  const visit = (value: unknown): void => {
    const schema = value as Internals | undefined;
    if (!schema?._zod || seen.has(schema)) return;
    seen.add(schema);
    const def = schema._zod.def;
    for (const key of ["innerType", "element", "in", "out", "left", "right", "keyType", "valueType", "catchall"]) visit(def[key]);
    for (const option of (def.options as unknown[] | undefined) ?? []) visit(option);
    for (const field of Object.values((def.shape as Record<string, unknown> | undefined) ?? {})) visit(field);
  };
  visit(root);
  return [...seen];
}

/** A schema that is a copy of another with the same definition: made only to carry metadata. */
const metadataCopies = (root: unknown): string[] =>
  reachable(root)
    .filter((s) => s._zod.parent !== undefined && s._zod.parent._zod.def === s._zod.def)
    .map((s) => String(z.globalRegistry.get(s as unknown as z.ZodType)?.description ?? s._zod.def.type));

afterEach(() => {
  z.config({ postProcessor: undefined });
});

describe("building the config's schemas", () => {
  it("builds about 300 schemas when the module loads (603 with a copy per description, per check and per .strict())", async () => {
    let built = 0;
    // zod calls the post-processor once per schema it constructs, clones included.
    z.config({ postProcessor: () => void built++ });
    vi.resetModules();
    const fresh = (await import("./schema.js")) as typeof import("./schema.js");
    z.config({ postProcessor: undefined });
    expect(fresh.configSchema).not.toBe(configSchema); // really built again
    expect(built).toBeGreaterThan(200);
    expect(built).toBeLessThanOrEqual(320);
  });

  it("registers every description on the field's own schema: no copy carries one", () => {
    expect(reachable(configSchema).length).toBeGreaterThan(150);
    expect(metadataCopies(configSchema)).toEqual([]);
  });

  it.each([...adapters.keys()])("%s: the adapter's config schema has no copy made to carry a description or a secret's mark", (platform) => {
    expect(metadataCopies(adapters.get(platform)?.config)).toEqual([]);
  });

  it("a field's description is its own: fields built alike (ids) keep different texts", () => {
    const text = (schema: unknown): string | undefined => z.globalRegistry.get(schema as z.ZodType)?.description;
    expect(text(feedSchema.shape.id)).toBe("Stable feed id; used in records and CLI commands.");
    expect(text(configSchema.shape.routes.unwrap().element.shape.feed)).toBe("A feed id.");
    expect(text(configSchema.shape.alerts.unwrap().shape.destination)).toBe("A configured destination that receives operator alerts (e.g. a private Telegram chat).");
  });
});
