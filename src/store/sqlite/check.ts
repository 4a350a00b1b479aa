/**
 * SQLite's and the file system's failures, told apart from Crier's own: a damaged, unreadable or
 * unwritable delivery log becomes a StorageError naming the file. Also the `crier validate` check
 * of the storage path, which writes nothing but a probe file it removes at once.
 */
import Database from "better-sqlite3";
import { closeSync, existsSync, openSync, statSync, unlinkSync, accessSync, constants } from "node:fs";
import path from "node:path";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { openDatabase } from "./open-database.js";
import { StorageError, storageMessage, type StorageProblem } from "../storage-error.js";

/** SQLite result codes (primary, before any `_EXTENDED` suffix) that mean the file itself is the problem. */
const SQLITE_PROBLEMS: Record<string, StorageProblem> = {
  SQLITE_CANTOPEN: "unwritable",
  SQLITE_READONLY: "unwritable",
  SQLITE_PERM: "unwritable",
  SQLITE_NOTADB: "not-a-database",
  SQLITE_CORRUPT: "damaged",
  SQLITE_FULL: "full",
  SQLITE_IOERR: "io",
};

/** File-system error codes of creating the folder or a file in it. */
const FS_UNWRITABLE = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "ENOENT"]);

/** The first path above `file` that exists but is not a folder ("x is a file, not a folder"), or null. */
export function blockingFile(file: string): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) return statSync(dir).isDirectory() ? null : dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The StorageError `err` stands for, or null when it is not a failure of the file (a constraint,
 * a bug): that one is the caller's. Pure.
 */
export function toStorageError(err: unknown, file: string): StorageError | null {
  if (err instanceof StorageError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  const blocker = code === "ENOTDIR" || code === "EEXIST" ? blockingFile(file) : null;
  const detail = blocker ? `${blocker} is a file, not a folder` : (err as Error).message;
  const problem = err instanceof Database.SqliteError ? SQLITE_PROBLEMS[code.split("_").slice(0, 2).join("_")] : FS_UNWRITABLE.has(code) ? "unwritable" : undefined;
  return problem ? new StorageError(file, problem, storageMessage(file, problem, detail), { cause: err }) : null;
}

/** An error of the store's own making, with its message. */
export function storageError(file: string, problem: StorageProblem, detail: string): StorageError {
  return new StorageError(file, problem, storageMessage(file, problem, detail));
}

/**
 * Refuses a file that is not (or not yet) Crier's: an SQLite database with tables of another
 * program, or one written by a newer Crier. Reads only.
 */
export function checkSchema(db: Database.Database, file: string): void {
  // One read transaction: another process creating this file right now may commit between two
  // reads, and its tables must not be seen without its version.
  db.transaction(() => checkSchemaNow(db, file))();
}

function checkSchemaNow(db: Database.Database, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SQLITE_MIGRATIONS.length) {
    throw storageError(file, "newer-schema", `schema version ${version}; this Crier knows up to ${SQLITE_MIGRATIONS.length}`);
  }
  if (version === 0) {
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);
    if (tables.length) throw storageError(file, "not-crier", `it has the tables ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""} and no Crier schema version`);
  }
}

/**
 * What stops Crier from using `file` as its delivery log, or null: its folder can be created and
 * written (a probe file, removed at once: file modes alone say nothing for root or a read-only
 * mount), and an existing file opens, is Crier's, and passes SQLite's quick_check (which reads it whole).
 */
export function checkStorage(file: string): StorageError | null {
  let existing = path.dirname(file);
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    const blocker = blockingFile(file);
    if (blocker) return storageError(file, "unwritable", `${blocker} is a file, not a folder`);
    const probe = path.join(existing, `.crier-write-check-${process.pid}`);
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (err) {
    return toStorageError(err, file) ?? storageError(file, "unwritable", (err as Error).message);
  }
  if (!existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = openDatabase(file, { readonly: true, fileMustExist: true });
    checkSchema(db, file);
    const result = db.pragma("quick_check", { simple: true });
    if (result !== "ok") return storageError(file, "damaged", `SQLite's quick_check: ${String(result)}`);
    return null;
  } catch (err) {
    const problem = toStorageError(err, file);
    if (problem) return problem;
    throw err;
  } finally {
    db?.close();
  }
}
