/**
 * "Did you mean `schedule`?" for an unknown config key: the keys the schema accepts at that path,
 * and the nearest by edit distance. Pure.
 */
import type { z } from "zod";

type Def = { type: string; innerType?: Schema; in?: Schema; element?: Schema; shape?: Record<string, Schema>; valueType?: Schema; options?: Schema[]; getter?: () => Schema };
type Schema = { _zod: { def: Def } } | z.ZodType;

const defOf = (schema: Schema): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Through optional, default, pipe (its input side) and the like, to the schema that holds the value. */
function unwrap(schema: Schema): Schema {
  for (let i = 0; i < 20; i++) {
    const def = defOf(schema);
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined) ?? (def.type === "lazy" ? def.getter?.() : undefined);
    if (!next) return schema;
    schema = next;
  }
  return schema;
}

/** The schema itself, or each option of a union (unwrapped). */
function expand(schema: Schema): Schema[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  return def.type === "union" ? (def.options ?? []).flatMap(expand) : [inner];
}

/** The schemas that may hold the value at `path` (several under a union). */
function schemasAt(schema: Schema, path: readonly PropertyKey[]): Schema[] {
  let current = expand(schema);
  for (const key of path) {
    current = current.flatMap((s) => {
      const def = defOf(s);
      const next = typeof key === "number" ? def.element : def.shape ? def.shape[String(key)] : def.valueType;
      return next ? expand(next) : [];
    });
  }
  return current;
}

/** Keys an object schema accepts at `path` (list indexes stepped through); none when it is no object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The candidate `word` was most likely meant to be, or null when none is close (case ignored). */
export function closest(word: string, candidates: readonly string[]): string | null {
  const allowed = Math.min(3, Math.max(1, Math.round(word.length / 3)));
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? null;
}
