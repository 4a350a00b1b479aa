/**
 * The one better-sqlite3 connection every concern's SQLite store shares: opened with WAL and
 * synchronous=NORMAL (every committed transaction survives a crash of the process, not
 * necessarily of the machine), the schema checked and migrated, each statement compiled once.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { checkSchema, toStorageError } from "./check.js";

export type Row = Record<string, unknown>;

export interface ConnectionOptions {
  /** Open an existing file read-only (for --dry-run); fails when the file does not exist. */
  readonly?: boolean;
  /** SQLite's page cache in MB (default 2; better-sqlite3's own is 16). */
  cacheMB?: number;
}

export class SqliteConnection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** @throws StorageError when the file cannot be created, opened or used (naming it, saying what to do). */
  constructor(
    /** The database file (":memory:" for none). */
    readonly file: string,
    opts: ConnectionOptions = {},
  ) {
    try {
      if (file !== ":memory:" && !opts.readonly) mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (err) {
      throw toStorageError(err, file) ?? err;
    }
    try {
      // Negative: a size in KiB rather than in pages.
      this.db.pragma(`cache_size = ${-Math.round((opts.cacheMB ?? 2) * 1024)}`);
      checkSchema(this.db, file);
      if (!opts.readonly) {
        this.db.pragma("journal_mode = WAL");
        this.db.pragma("synchronous = NORMAL");
        this.db.pragma("foreign_keys = ON");
        this.db.pragma("busy_timeout = 5000");
        migrate(this.db);
      }
    } catch (err) {
      this.db.close();
      throw toStorageError(err, file) ?? err;
    }
  }

  /** Compiles each SQL text once (compiling costs more than running the small queries here). */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Schema version of the open file. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Brings the schema up to date; checkSchema has refused a newer or foreign file. */
function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version - 1] ?? "");
      db.pragma(`user_version = ${version}`);
    })();
  }
}

/**
 * A failure of the file itself (damaged, unreadable, read-only, a full disk) leaves every async
 * method of `cls` as a StorageError naming the file, so that callers tell it from a failure of the
 * feed or post at hand. Wrapped once per class rather than in each method; errors of Crier's own
 * pass unchanged.
 */
export function guardStorageErrors(cls: { prototype: object }): void {
  const proto = cls.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    const method: unknown = descriptor?.value;
    if (!(method instanceof AsyncFunction)) continue;
    const call = method as (this: { conn: SqliteConnection }, ...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(proto, name, {
      ...descriptor,
      value: async function (this: { conn: SqliteConnection }, ...args: unknown[]): Promise<unknown> {
        try {
          return await call.apply(this, args);
        } catch (err) {
          throw toStorageError(err, this.conn.file) ?? err;
        }
      },
    });
  }
}

const AsyncFunction = (async () => undefined).constructor;
