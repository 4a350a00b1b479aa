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
import { openDatabase } from "./open-database.js";

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
      this.db = openDatabase(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (err) {
      throw toStorageError(err, file) ?? err;
    }
    try {
      // First: another process may be creating or migrating this file right now (wait for it).
      this.db.pragma("busy_timeout = 5000");
      // Negative: a size in KiB rather than in pages.
      this.db.pragma(`cache_size = ${-Math.round((opts.cacheMB ?? 2) * 1024)}`);
      checkSchema(this.db, file);
      if (opts.readonly && this.schemaVersion === 0) {
        // Nothing of Crier's in it yet: another process is creating it this moment (or it is empty).
        // Read it as the empty delivery log it is, rather than fail on tables not made yet.
        this.db.close();
        this.db = openDatabase(":memory:");
        migrate(this.db);
      }
      if (!opts.readonly) {
        whenNotBusy(() => this.db.pragma("journal_mode = WAL"));
        this.db.pragma("synchronous = NORMAL");
        this.db.pragma("foreign_keys = ON");
        whenNotBusy(() => migrate(this.db));
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

/**
 * Runs `step`, again while SQLite answers SQLITE_BUSY at once (two connections upgrading their
 * locks on a new file at the same moment: SQLite fails one rather than deadlock, without waiting
 * the busy timeout), for up to 5 s.
 */
function whenNotBusy<T>(step: () => T): T {
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!String((err as { code?: unknown }).code).startsWith("SQLITE_BUSY") || Date.now() > until) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a synchronous 10 ms pause
    }
  }
}

/**
 * Brings the schema up to date; checkSchema has refused a newer or foreign file. The version is
 * read inside the write transaction: a second process opening the same new file at the same
 * moment (`crier run` and `crier deliveries`) waits for the first's migration, then finds it done.
 */
function migrate(db: Database.Database): void {
  const version = (): number => db.pragma("user_version", { simple: true }) as number;
  if (version() >= SQLITE_MIGRATIONS.length) return; // up to date: no write lock taken
  db.transaction(() => {
    for (let next = version() + 1; next <= SQLITE_MIGRATIONS.length; next++) {
      db.exec(SQLITE_MIGRATIONS[next - 1] ?? "");
      db.pragma(`user_version = ${next}`);
    }
  }).immediate();
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
