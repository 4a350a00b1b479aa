/** Which SQL statements a piece of code runs on a better-sqlite3 connection (store tests that count work). */
import type Database from "better-sqlite3";

/**
 * The SQL texts run on a connection while `fn` runs: better-sqlite3's own Statement methods,
 * wrapped (and put back) for the test; the statements still run on the real file.
 */
export async function statementsRun(db: Database.Database, fn: () => Promise<unknown>): Promise<string[]> {
  const proto = Object.getPrototypeOf(db.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  const run: string[] = [];
  for (const name of ["run", "get", "all", "iterate"]) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    proto[name] = function (this: Database.Statement, ...args: unknown[]) {
      run.push(this.source);
      return original.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
  return run;
}

