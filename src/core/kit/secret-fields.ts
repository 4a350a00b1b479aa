/**
 * Secret config fields, read from the zod schema itself: a field is secret when its schema (or a
 * schema it wraps) carries zod 4 metadata `{ secret: true }`, i.e. `.meta({ secret: true })`
 * (https://zod.dev/metadata: `.meta()` registers in `z.globalRegistry`; `.describe()` and checks
 * keep it, while `.optional()`, `.default()` and `.transform()` wrap it in a new schema, which is
 * why the wrappers are walked). Pure; never throws.
 */
import type { z } from "zod";

/** The metadata that marks a secret: `z.string().meta(SECRET)`. */
export const SECRET = { secret: true } as const;

interface Def {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  options?: readonly unknown[];
  shape?: Record<string, unknown>;
  left?: unknown;
  right?: unknown;
}

const defOf = (schema: unknown): Def => ((schema as { _zod?: { def?: Def } } | null)?._zod?.def ?? {});

/** The schemas a wrapper stands for: optional, default, nullable, readonly, catch, prefault, pipe (transform), union, intersection. */
function inner(schema: unknown): unknown[] {
  const d = defOf(schema);
  return [d.innerType, d.in, d.type === "pipe" ? d.out : undefined, ...(d.options ?? []), d.left, d.right].filter((s) => s !== undefined);
}

function metaOf(schema: unknown): Record<string, unknown> | undefined {
  try {
    const meta = (schema as { meta?: () => unknown }).meta?.();
    return meta && typeof meta === "object" ? (meta as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `schema`, or any schema it wraps, is marked `{ secret: true }`. Pure. */
export function isSecretSchema(schema: unknown, depth = 0): boolean {
  if (depth > 12) return false;
  if (metaOf(schema)?.secret === true) return true;
  return inner(schema).some((s) => isSecretSchema(s, depth + 1));
}

/** The object schema under any wrappers (`.superRefine()` keeps the object; `.transform()` wraps it). */
function objectOf(schema: unknown, depth = 0): Record<string, unknown> | undefined {
  const d = defOf(schema);
  if (d.type === "object" && d.shape) return d.shape;
  if (depth > 12) return undefined;
  for (const s of [d.innerType, d.in]) {
    const shape = s === undefined ? undefined : objectOf(s, depth + 1);
    if (shape) return shape;
  }
  return undefined;
}

/** Top-level fields of a config schema marked secret, in declaration order. Pure; [] for a schema that is no object. */
export function secretFields(config: z.ZodType): string[] {
  const shape = objectOf(config) ?? {};
  return Object.entries(shape).filter(([, field]) => isSecretSchema(field)).map(([name]) => name);
}
