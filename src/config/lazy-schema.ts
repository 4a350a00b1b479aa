/**
 * Building the config's schemas only when a command needs them (issue 17: building every schema of
 * the config cost each command's start-up CPU and allocation for sections and sub-objects its file
 * does not have). Pure helpers; they never throw.
 */
import { z } from "zod";

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
export function shapeOf<F extends Fields>(fields: F): ShapeOf<F> {
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, field()])) as ShapeOf<F>;
}

/** What stands for a field an entry leaves out, when that field has a default: the default itself. */
const absent = once(() => z.never());
/** The stand-ins of a table's fields, by key: one each, whichever schemas of the table use it. */
const standIns = new WeakMap<Fields, Map<string, z.ZodType>>();
function standIn(fields: Fields, key: string, value: unknown): z.ZodType {
  let made = standIns.get(fields);
  if (!made) standIns.set(fields, (made = new Map()));
  let schema = made.get(key);
  if (!schema) made.set(key, (schema = absent().default(value as never)));
  return schema;
}

/**
 * An object's schema for one entry: every field but the `rare` ones the entry leaves out, whose
 * schemas (sub-objects and checks most entries never use) are then never built. A rare field left
 * out is absent from the schema when it is optional, or stands as its default (`defaults`, the
 * value the field's own `.default()` gives; a `.default()` never runs its schema on a missing value).
 * For that entry it checks and words problems as the whole object does, the fields in the same
 * order. "Did you mean" reads the whole one.
 */
export function sparse<F extends Fields, S>(
  fields: F,
  rare: readonly (keyof F & string)[],
  make: (shape: Partial<ShapeOf<F>>) => S,
  defaults: Partial<Record<keyof F & string, unknown>> = {},
): (entry: unknown) => S {
  // By a bit per rare field the entry leaves out: nothing allocated per entry (10,000 routes).
  const made: Array<S | undefined> = [];
  const build = (leftOut: number): S => {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(fields)) {
      const bit = rare.indexOf(key);
      if (bit < 0 || !(leftOut & (1 << bit))) shape[key] = field();
      else if (Object.hasOwn(defaults, key)) shape[key] = standIn(fields, key, defaults[key as keyof F & string]);
    }
    return make(shape as Partial<ShapeOf<F>>);
  };
  return (entry) => {
    const given = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
    let leftOut = 0;
    for (let i = 0; i < rare.length; i++) if (given[rare[i] as string] === undefined) leftOut |= 1 << i;
    return (made[leftOut] ??= build(leftOut));
  };
}
