/**
 * Building the config's schemas only when a command needs them (issue 17: building every schema of
 * the config cost each command's start-up CPU and allocation for sections and sub-objects its file
 * does not have). Pure helpers; they never throw.
 */
import type { z } from "zod";

/**
 * A schema built on its first call, the same instance after: a command that never reads a section
 * never builds it (building ~100 schemas of sections a file does not have cost every command CPU and
 * allocation for nothing).
 */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

export type Fields = Record<string, () => z.ZodType>;
export type ShapeOf<F extends Fields> = { [K in keyof F]: ReturnType<F[K]> };

/** The schemas of a table of fields, in its order. */
export function shapeOf<F extends Fields>(fields: F, leaveOut: ReadonlySet<string> = new Set()): ShapeOf<F> {
  return Object.fromEntries(Object.entries(fields).flatMap(([key, field]) => (leaveOut.has(key) ? [] : [[key, field()]]))) as ShapeOf<F>;
}

/**
 * An object's schema for one entry: every field but the optional ones in `rare` that the entry
 * leaves out, whose schemas (sub-objects most entries never have) are then never built. For that
 * entry it checks and words problems as the whole object does: an absent optional field adds
 * neither a value nor an issue, and the fields keep their order. "Did you mean" reads the whole one.
 */
export function sparse<F extends Fields, S>(fields: F, rare: readonly (keyof F & string)[], make: (shape: Partial<ShapeOf<F>>) => S): (entry: unknown) => S {
  // By a bit per rare field the entry leaves out: nothing allocated per entry (10,000 routes).
  const made: Array<S | undefined> = [];
  return (entry) => {
    const given = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
    let absent = 0;
    for (let i = 0; i < rare.length; i++) if (given[rare[i] as string] === undefined) absent |= 1 << i;
    return (made[absent] ??= make(shapeOf(fields, new Set(rare.filter((_, i) => absent & (1 << i))))));
  };
}
