/**
 * Opens a better-sqlite3 database with its native addon named by path. Without the path,
 * better-sqlite3 asks the `bindings` package, which finds its caller's folder from a stack trace
 * and tries the addon's usual build folders one by one (failed `require`s included): work every
 * command that opens the store would do again.
 */
import Database from "better-sqlite3";
import { createRequire } from "node:module";

/** The addon as better-sqlite3's install builds it; undefined (then `bindings` searches) when it is elsewhere. */
const NATIVE_BINDING: string | undefined = (() => {
  try {
    return createRequire(import.meta.url).resolve("better-sqlite3/build/Release/better_sqlite3.node");
  } catch {
    return undefined;
  }
})();

/** `new Database(file, options)`, the addon loaded from its known path. @throws what better-sqlite3 throws */
export function openDatabase(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, NATIVE_BINDING === undefined ? options : { ...options, nativeBinding: NATIVE_BINDING });
}
